"""Login attempts are limited per client address and per account.

The counters live in the default cache (Redis in production), so every
worker sees the same counts; two test clients sharing this process's
cache stand for two workers, or two attackers' machines.
"""

import pytest
from django.test import Client
from django.urls import reverse

from lms.models import Role
from tests.factories import PASSWORD, UserFactory, grant, totp_code

pytestmark = pytest.mark.django_db

WRONG = "clave-equivocada-123"
TOO_MANY = "Demasiados intentos fallidos"


def log_in(client, email: str, password: str, address: str):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
    )


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_lock_the_account_even_from_other_addresses(learner):
    for number in range(5):
        log_in(Client(), learner.email, WRONG, f"203.0.113.{number}")
    client = Client()
    response = log_in(client, learner.email, PASSWORD, "198.51.100.9")
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)


def test_ten_failures_from_one_address_stop_it_for_every_account(learner):
    for number in range(10):
        log_in(Client(), f"nadie{number}@example.pe", WRONG, "203.0.113.5")
    client = Client()
    response = log_in(client, learner.email, PASSWORD, "203.0.113.5")
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)
    # Another address is not held back by that one's failures.
    elsewhere = Client()
    log_in(elsewhere, learner.email, PASSWORD, "198.51.100.9")
    assert is_signed_in(elsewhere)


def test_wrong_second_factor_codes_count_as_failed_logins(units):
    hr = grant(UserFactory(), Role.HR_OFFICER, units["a"])
    client = Client()
    log_in(client, hr.email, PASSWORD, "203.0.113.5")
    wrong = str((int(totp_code()) + 1) % 1_000_000).zfill(6)
    for _attempt in range(5):
        client.post(reverse("mfa_authenticate"), {"code": wrong})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)


def test_the_admin_login_is_held_back_as_well(learner):
    """The admin's login address leads to the same, limited, form."""
    for number in range(5):
        log_in(Client(), learner.email, WRONG, f"203.0.113.{number}")
    client = Client()
    response = client.get("/admin/login/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
    client.post("/admin/login/", {"username": learner.email, "password": PASSWORD})
    response = log_in(client, learner.email, PASSWORD, "198.51.100.9")
    assert TOO_MANY in response.content.decode()
    assert not is_signed_in(client)
