"""Signing up links a staff record only with its institutional email."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from lms.models import Person, User
from tests.factories import PASSWORD, PersonFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

INSTITUTIONAL = "rosa.quispe@regioncajamarca.gob.pe"
SIGNUP = {
    "first_name": "Rosa Elena",
    "last_name": "Quispe Huamán",
    "document_type": "1",
    "document_number": "42388604",
    "email": INSTITUTIONAL,
    "password1": PASSWORD,
    "password2": PASSWORD,
    "privacy_consent": "on",
}


@pytest.fixture
def staff(units):
    person = PersonFactory(
        document_number="42388604", first_names="Rosa Elena", last_names="Quispe H."
    )
    return StaffMemberFactory(unit=units["a"], person=person, email=INSTITUTIONAL)


def confirm_email(client) -> None:
    """Follow the confirmation link of the last email sent, as the person would."""
    pattern = re.compile(r"https?://\S+/confirm-email/\S+/")
    link = next(
        found
        for message in reversed(mail.outbox)
        if (found := pattern.search(message.body))
    )
    client.post(urlsplit(link.group(0)).path)


def test_the_institutional_email_links_the_record_once_confirmed(client, staff):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "email": INSTITUTIONAL.upper()}
    )
    assert response.status_code == 302
    user = User.objects.get(email__iexact=INSTITUTIONAL)
    staff.person.refresh_from_db()
    assert staff.person.user is None
    confirm_email(client)
    staff.person.refresh_from_db()
    assert staff.person.user == user
    assert Person.objects.count() == 1


def test_an_unconfirmed_sign_up_never_takes_the_record(client, staff):
    """Knowing someone's DNI and work address is not enough to claim them."""
    client.post(reverse("account_signup"), SIGNUP)
    staff.person.refresh_from_db()
    assert staff.person.user is None
    assert not Person.objects.filter(user__isnull=False).exists()


def test_the_linked_account_still_needs_its_email_confirmed(client, staff):
    client.post(reverse("account_signup"), SIGNUP)
    client.logout()
    assert not EmailAddress.objects.get(email__iexact=INSTITUTIONAL).verified
    response = client.post(
        reverse("account_login"), {"login": INSTITUTIONAL, "password": PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")


def test_another_email_takes_nothing_and_the_record_is_told(
    client, staff, django_capture_on_commit_callbacks
):
    """The sign-up answers as for any DNI; the institutional address hears of it."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"), {**SIGNUP, "email": "rosa@example.pe"}
        )
    assert response.url == reverse("account_email_verification_sent")
    person = Person.objects.get(document_number="42388604")
    assert person.user is None and person.last_names == "Quispe H."
    confirm_email(client)
    person.refresh_from_db()
    assert person.user is None
    assert [INSTITUTIONAL] in [message.to for message in mail.outbox]


def test_a_record_without_an_email_cannot_be_claimed_at_sign_up(client, staff):
    staff.email = ""
    staff.save(update_fields=["email"])
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.url == reverse("account_email_verification_sent")
    confirm_email(client)
    staff.person.refresh_from_db()
    assert staff.person.user is None
    assert [message.to for message in mail.outbox] == [[INSTITUTIONAL]]


def test_a_person_without_a_staff_record_is_linked_with_any_email(client):
    registered = PersonFactory(document_number="42388604")
    client.post(reverse("account_signup"), {**SIGNUP, "email": "rosa@example.pe"})
    registered.refresh_from_db()
    assert registered.user.email == "rosa@example.pe"
