"""Passwords: 12 characters at least, common ones refused, said in Spanish."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from lms.demo.catalogue import DEMO_PASSWORD
from lms.models import User
from tests.factories import PASSWORD
from tests.lms.accounts.test_accounts import SIGNUP


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Rio-Mashcon9", None),
        ("corta-123", "Debe contener por lo menos 12 caracteres"),
        ("Cajamarca123", "demasiado común"),
        ("contraseña123", "demasiado común"),
        ("PERU12345678", "demasiado común"),
        ("password1234", "demasiado común"),  # Django's own list
        ("738204917364", "completamente numérica"),
    ],
)
def test_passwords_are_checked_in_spanish(password, message):
    if message is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as refusal:
        validate_password(password)
    assert any(message in text for text in refusal.value.messages)


def test_the_demo_and_test_passwords_pass():
    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)


@pytest.mark.django_db
def test_signing_up_with_a_short_password_is_refused(client):
    short = {**SIGNUP, "password1": "Corta-2026", "password2": "Corta-2026"}
    response = client.post(reverse("account_signup"), short)
    assert "por lo menos 12 caracteres" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_changing_to_a_common_password_is_refused(learner_client, learner):
    response = learner_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "cajamarca2026",
            "password2": "cajamarca2026",
        },
    )
    assert "demasiado común" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)
