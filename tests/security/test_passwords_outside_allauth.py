"""A password is typed into allauth's login only: rate-limited, second factor.

Django REST framework takes HTTP Basic credentials by default, and Wagtail's
admin has its own password form; neither has allauth's limits.
"""

from __future__ import annotations

import base64

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from tests.factories import PASSWORD
from tests.security.disclosure import Answer

pytestmark = pytest.mark.django_db

LOGIN_EVENTS = ("login", "login_failed", "login_throttled")


def basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


@pytest.mark.parametrize("password", [PASSWORD, "una-clave-equivocada"])
def test_basic_credentials_on_the_catalogue_api_are_never_tried(
    client, course, hr_a, trail, password
):
    """Right or wrong, the API answers as to anyone: no oracle, no session."""
    anonymous = client.get("/api/v2/pages/")
    client.raise_request_exception = True

    response = client.get(
        "/api/v2/pages/", HTTP_AUTHORIZATION=basic(hr_a.email, password)
    )

    assert Answer.of(response) == Answer.of(anonymous)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not [line for line in trail.lines if line["event"] in LOGIN_EVENTS]


def test_a_failed_rest_framework_login_is_written_once(hr_a, trail):
    """Writing the failure reads no user that would authenticate again."""
    request = Request(
        RequestFactory().get(
            "/api/v2/pages/", HTTP_AUTHORIZATION=basic(hr_a.email, "equivocada")
        ),
        authenticators=[BasicAuthentication()],
    )

    with pytest.raises(AuthenticationFailed):
        request.user  # noqa: B018 (reading it authenticates)

    [failure] = trail.of("login_failed")
    assert (failure["account_id"], failure["user_id"]) == (hr_a.pk, None)


def test_the_admin_account_page_changes_neither_password_nor_e_mail(client, hr_a):
    """allauth's pages do: the password rate-limited, a new address verified."""
    client.force_login(hr_a)
    new = "otra-clave-muy-segura-456"

    client.post(
        reverse("wagtailadmin_account"),
        {
            "name_email-first_name": "Ana",
            "name_email-last_name": "Rojas",
            "name_email-email": "intrusa@example.pe",
            "locale-preferred_language": "es",
            "locale-current_time_zone": "",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
            "password-old_password": PASSWORD,
            "password-new_password1": new,
            "password-new_password2": new,
        },
    )

    hr_a.refresh_from_db()
    assert hr_a.check_password(PASSWORD)
    assert hr_a.email != "intrusa@example.pe"
