import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from lms.models import Person, User
from tests.factories import PASSWORD, SIGNUP

pytestmark = pytest.mark.django_db


def confirmation_link(message) -> str:
    return re.search(
        r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", message.body
    ).group(0)


def test_signing_up_sends_a_spanish_confirmation_email(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email="rosa.quispe@example.pe")
    assert user.get_full_name() == "Rosa Elena Quispe Huamán"
    assert user.person.document_number == "42388604"
    assert user.person.masked_document() == "DNI *****604"
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["rosa.quispe@example.pe"]
    assert message.subject.startswith("[Integridad Cajamarca]")
    assert "Confirme" in message.subject or "confirm" in message.body.lower()
    assert "/accounts/confirm-email/" in message.body


def test_confirming_the_email_verifies_the_address_and_logs_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    link = confirmation_link(mail.outbox[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="rosa.quispe@example.pe").verified
    assert client.get(reverse("lms:my_courses")).status_code == 200


def test_an_unverified_account_cannot_log_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("lms:my_courses")).status_code == 302


def test_a_verified_learner_logs_in_with_email(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": PASSWORD}
    )
    assert response.url == reverse("lms:my_courses")


def test_a_wrong_password_is_refused_in_spanish(client, learner):
    response = client.post(
        reverse("account_login"), {"login": learner.email, "password": "no-es-la-clave"}
    )
    assert response.status_code == 200
    assert "no son correctas" in response.content.decode()


def test_an_email_already_registered_cannot_sign_up_again(client, learner):
    """The reply looks like success so nobody can probe who has an account."""
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "email": learner.email}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=learner.email).count() == 1
    [message] = mail.outbox
    assert message.to == [learner.email]
    assert "/accounts/confirm-email/" not in message.body


def test_signing_up_requires_the_full_name_for_certificates(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "last_name": ""})
    assert response.status_code == 200
    assert not User.objects.exists()


def test_password_reset_sends_a_link(client, learner):
    response = client.post(reverse("account_reset_password"), {"email": learner.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "/accounts/password/reset/key/" in message.body


def test_account_pages_use_the_site_layout(client):
    for name in ("account_login", "account_signup", "account_reset_password"):
        html = client.get(reverse(name)).content.decode()
        assert 'class="site-header"' in html
        assert "css/site.css" in html
        assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "4238860", "Un DNI tiene 8 dígitos."),
        ("document_number", "4238860X", "Un DNI tiene 8 dígitos."),
        ("privacy_consent", "", "Se necesita su consentimiento"),
    ],
)
def test_signing_up_explains_what_is_wrong_in_spanish(client, field, value, message):
    data = {**SIGNUP, field: value}
    if not value:
        data.pop(field)
    response = client.post(reverse("account_signup"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists() and not Person.objects.exists()


def test_a_dni_with_its_check_character_is_stored_as_eight_digits(client):
    client.post(reverse("account_signup"), {**SIGNUP, "document_number": "42388604-3"})
    assert Person.objects.get().document_number == "42388604"


def test_a_document_already_linked_to_an_account_stays_with_it(
    client, learner, django_capture_on_commit_callbacks
):
    """The sign-up goes through as any other; the holder is told by email."""
    held = Person.objects.create(
        user=learner, document_number="42388604", first_names="Rosa", last_names="Q"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP)
    assert response.url == reverse("account_email_verification_sent")
    held.refresh_from_db()
    assert (held.user, held.last_names) == (learner, "Q")
    assert not Person.objects.filter(user__email=SIGNUP["email"]).exists()
    notice = next(message for message in mail.outbox if message.to == [learner.email])
    assert "documento de identidad" in notice.subject


def test_a_person_registered_before_gets_the_new_account(client):
    registered = Person.objects.create(
        document_number="42388604", first_names="Rosa", last_names="Quispe"
    )
    client.post(reverse("account_signup"), SIGNUP)
    registered.refresh_from_db()
    assert registered.user.email == SIGNUP["email"]
    assert Person.objects.count() == 1
