"""A citizen's first hour: she signs up, learns, passes, and takes her data away.

Run with the other browser tests:

    .venv/bin/pytest tests/e2e -m browser -p no:cacheprovider -x
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import Audience
from lms.accounts.privacy import PRIVACY_NOTICE_VERSION
from lms.models import Completion, Consent, Person, User
from tests.e2e.conftest import DESKTOP, TIMEOUT_MS, open_page
from tests.e2e.steps import (
    ARTIFACTS,
    click_and_wait,
    fill_in_the_sign_up,
    fits_the_screen,
    pass_the_assessment,
    path_of,
    read_every_lesson,
)
from tests.e2e.test_accessibility import violations_on

PHONE = {"width": 375, "height": 812}

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so the data must be committed.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])
def test_a_citizen_signs_up_completes_a_course_and_downloads_her_data(
    transactional_db, live_server, course, chromium, viewport
):
    course.audience = Audience.CITIZENS
    course.title = "Ciudadano por la Integridad"
    course.certificate_title = "Ciudadano por la Integridad"
    course.certificate_title_feminine = "Ciudadana por la Integridad"
    course.certificate_title_neutral = "Integrante de la Ciudadanía por la Integridad"
    course.save()
    expect.set_options(timeout=TIMEOUT_MS)
    ARTIFACTS.mkdir(exist_ok=True)
    width = viewport["width"]
    page = open_page(chromium, live_server.url, viewport=viewport)
    try:
        follow_the_journey(page, live_server.url, course, width)
    except BaseException:
        with contextlib.suppress(Exception):  # the original failure matters more
            page.screenshot(
                path=str(ARTIFACTS / f"fallo-ciudadana-{width}.png"), full_page=True
            )
        raise
    finally:
        page.context.close()


def follow_the_journey(page, server_url: str, course, width: int) -> None:
    # She signs up, reads that her data is protected, and accepts.
    page.goto(server_url + reverse("account_signup"))
    signup = page.locator(f'form[action="{reverse("account_signup")}"]')
    expect(signup.locator(f'a[href="{reverse("accounts:privacy")}"]')).to_contain_text(
        "aviso de privacidad"
    )
    fill_in_the_sign_up(signup)
    expect(signup).to_contain_text("Ciudadana por la Integridad")
    signup.locator('input[name="title_form"][value="feminine"]').check()
    signup.locator('input[name="privacy_consent"]').check()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / f"registro-{width}.png"), full_page=True)
    with page.expect_navigation():
        signup.locator('button[type="submit"]').click()
    assert path_of(page) == reverse("account_email_verification_sent")
    user = User.objects.get(email="rosa.quispe@example.pe")
    consent = Consent.objects.get(user=user)
    assert consent.notice_version == PRIVACY_NOTICE_VERSION
    assert Person.objects.get(user=user).title_form == "feminine"

    # She confirms her address with the link of the e-mail, which logs her in.
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", message.body)
    page.goto(server_url + urlsplit(link.group(0)).path)
    click_and_wait(page, 'main form[action*="/confirm-email/"] button[type="submit"]')

    # She enrols, reads every lesson and passes the assessment.
    page.goto(server_url + course.url)
    click_and_wait(page, 'form[action$="/inscribirse/"] button[type="submit"]')
    assert read_every_lesson(page, course) == course.lessons().count()
    pass_the_assessment(page, user)
    assert Completion.objects.filter(enrolment__user=user).exists()

    # Her certificate reads in the feminine, as she chose.
    page.goto(server_url + reverse("certificates:my_certificates"))
    expect(page.locator(".certificate-card h2")).to_have_text(
        "Ciudadana por la Integridad"
    )

    # Mi cuenta: her data, her security, her downloads. The header's link to
    # it is the navigation's (templates/includes/header.html).
    page.goto(server_url + reverse("accounts:account"))
    expect(page.locator("h1")).to_have_text("Mi cuenta")
    expect(page.locator('input[name="first_names"]')).to_have_value("Rosa Elena")
    expect(page.locator("main")).to_contain_text("DNI *****604")
    expect(page.locator("main")).not_to_contain_text("42388604")
    expect(
        page.locator(f'a[href="{reverse("account_change_password")}"]')
    ).to_be_visible()
    expect(page.locator(f'a[href="{reverse("mfa_activate_totp")}"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text("aceptó el aviso de privacidad")
    assert fits_the_screen(page)
    assert not violations_on(page, f"Mi cuenta at {width} px")
    page.screenshot(path=str(ARTIFACTS / f"mi-cuenta-{width}.png"), full_page=True)

    with page.expect_download() as json_download:
        page.locator(f'a[href="{reverse("accounts:data_json")}"]').click()
    data = json.loads(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert data["account"]["email"] == "rosa.quispe@example.pe"
    assert [e["course"] for e in data["enrolments"]] == ["Ciudadano por la Integridad"]
    assert data["consents"][0]["notice_version"] == PRIVACY_NOTICE_VERSION

    with page.expect_download() as pdf_download:
        page.locator(f'a[href="{reverse("accounts:data_pdf")}"]').click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")

    # The erasure page says what would go and what would stay.
    click_and_wait(page, f'a[href="{reverse("accounts:erase")}"]')
    expect(page.locator("main")).to_contain_text("Qué se conserva")
    expect(page.locator("main")).to_contain_text("Su certificado vigente")
    assert fits_the_screen(page)
    assert not violations_on(page, f"erasure at {width} px")

    # She cancels; the privacy notice, linked from Mi cuenta, says who keeps
    # what, why and for how long.
    click_and_wait(page, f'main a.button[href="{reverse("accounts:account")}"]')
    click_and_wait(page, f'main a[href="{reverse("accounts:privacy")}"]')
    expect(page.locator("h1")).to_have_text("Aviso de privacidad")
    expect(page.locator("main")).to_contain_text("Gobierno Regional de Cajamarca")
    assert fits_the_screen(page)
    assert not violations_on(page, f"privacy notice at {width} px")
