"""Signing in to the Wagtail admin and reading its refusals, for admin tests."""

from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse


def signed_in(client, user):
    """Return the client signed in as `user`, reading the admin in English."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def is_denied(response) -> bool:
    """Say whether the admin refused, as Wagtail does: back to the dashboard."""
    return (
        response.status_code == 302
        and response.url == reverse("wagtailadmin_home")
        and messages_of(response)[-1]
        == "Sorry, you do not have permission to access this area."
    )
