"""The first administrator: createsuperuser, then a login as the README says."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.urls import reverse

from lms.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Clave-de-administracion-2026"


@pytest.fixture
def superuser(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        interactive=False,
        username="administracion",
        email="administracion@regioncajamarca.gob.pe",
        verbosity=0,
    )
    return User.objects.get(username="administracion")


def test_the_new_superusers_address_counts_as_confirmed(superuser):
    address = EmailAddress.objects.get(user=superuser)
    assert address.email == "administracion@regioncajamarca.gob.pe"
    assert address.verified and address.primary


def test_the_new_superuser_logs_in_and_is_asked_to_set_up_the_app(client, superuser):
    response = client.post(
        reverse("account_login"),
        {"login": superuser.email, "password": PASSWORD},
        follow=True,
    )

    # Not held at "confirm your e-mail address", which no one would send.
    assert reverse("account_email_verification_sent") not in [
        url for url, _status in response.redirect_chain
    ]
    assert response.wsgi_request.user == superuser
    # As every staff account, it sets up its authenticator app before
    # anything else: allauth asks for the password once more first.
    response = client.get(reverse("wagtailadmin_home"), follow=True)
    assert "Confirmar" in response.content.decode()
    [confirm_url, _status] = response.redirect_chain[-1]
    response = client.post(confirm_url, {"password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == reverse("mfa_activate_totp")
    assert "Activar" in response.content.decode()


def test_an_existing_account_is_left_as_it_was(monkeypatch):
    learner = User.objects.create_user("rosa", "rosa@example.pe", "x" * 12)
    EmailAddress.objects.create(
        user=learner, email=learner.email, verified=False, primary=True
    )
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        interactive=False,
        username="otra",
        email="otra@regioncajamarca.gob.pe",
        verbosity=0,
    )

    assert not EmailAddress.objects.get(user=learner).verified
