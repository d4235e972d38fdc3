"""An HR officer sets up two-factor on a 320 px phone, then logs in with it."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from lms.demo.catalogue import current_totp_code
from lms.models import Role
from tests.e2e.conftest import PHONE, open_page
from tests.factories import PASSWORD, UserFactory, grant

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    # serialized_rollback restores the data migrations (Wagtail's root page,
    # the default site) should an earlier transactional test have flushed them.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def log_in(page, email: str) -> None:
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()


def test_an_officer_sets_up_the_app_on_a_phone_and_logs_in_with_it(
    live_server, chromium, units
):
    hr = grant(UserFactory(email="rrhh@example.pe"), Role.HR_OFFICER, units["a"])
    Authenticator.objects.filter(user=hr).delete()
    page = open_page(chromium, live_server.url, viewport=PHONE)
    page.goto(live_server.url + reverse("account_login"))
    log_in(page, hr.email)
    # Sent to set up the app, asked to confirm the password first.
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Confirmar").click()
    assert page.url.endswith(reverse("mfa_activate_totp"))
    assert page.get_by_role("img", name="QR").is_visible()
    # On the phone itself, a link opens its authenticator app.
    assert page.locator('a[href^="otpauth://totp/"]').is_visible()
    assert fits_the_screen(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Código").fill(current_totp_code(secret))
    page.get_by_role("button", name="Activar").click()
    assert Authenticator.objects.filter(user=hr, type="totp").exists()
    assert fits_the_screen(page)  # the recovery codes page

    # The next time, the password is not enough.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("wagtailadmin_home"))
    log_in(page, hr.email)
    assert page.url.startswith(live_server.url + reverse("mfa_authenticate"))
    assert fits_the_screen(page)
    page.get_by_label("Código").fill(current_totp_code(secret))
    page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_url(live_server.url + reverse("wagtailadmin_home"))
