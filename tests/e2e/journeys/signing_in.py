"""Signing in through the login form, as each person does, at two widths."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD, totp_code

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
WIDTHS = [DESKTOP, PHONE]
WIDTH_IDS = ["1280px", "375px"]


def fits_the_screen(page) -> bool:
    """Whether the page needs no sideways scrolling at its width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def log_in(page, server_url: str, email: str, *, second_factor: bool) -> None:
    """Log in with the password and, for staff, the authenticator app's code.

    From a page that asked to log in, the form keeps where to go next.
    """
    if reverse("account_login") not in page.url:
        page.goto(server_url + reverse("account_login"))
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    if second_factor:
        page.wait_for_url(f"**{reverse('mfa_authenticate')}**")
        page.get_by_label("Código").fill(totp_code())
        page.get_by_role("button", name="Iniciar sesión").click()
    page.wait_for_load_state()
