"""Reauthenticating by a code e-mailed to the account (django-allauth 65.22+).

The code is sent only to the account's verified addresses, as few times as
a login code, and a code guessed wrong too often is void: a stolen session
gets no further with it than with the password form.
"""

from __future__ import annotations

import pytest
from allauth.account.internal.flows.reauthenticate_by_code import (
    REAUTHENTICATION_CODE_SESSION_KEY,
)
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

REQUEST = reverse("account_request_reauthentication_code")
CONFIRM = reverse("account_confirm_reauthentication_code")


def ask_for_a_code(client, email: str):
    return client.post(REQUEST, {"recipient": email})


def test_a_code_goes_only_to_the_accounts_own_verified_address(client, learner):
    client.force_login(learner)

    ask_for_a_code(client, "intruso@example.pe")
    ask_for_a_code(client, learner.email)

    assert [message.to for message in mail.outbox] == [[learner.email]]


def test_codes_are_sent_three_times_a_minute_at_most(client, learner):
    client.force_login(learner)

    for _asked in range(5):
        ask_for_a_code(client, learner.email)

    assert len(mail.outbox) == 3


def test_reauthenticating_is_limited_to_ten_tries_a_minute(client, learner):
    client.force_login(learner)

    answers = [ask_for_a_code(client, learner.email) for _asked in range(11)]

    assert [answer.status_code == 429 for answer in answers] == [False] * 10 + [True]


def test_a_code_guessed_wrong_three_times_is_void(client, learner):
    client.force_login(learner)
    ask_for_a_code(client, learner.email)
    code = client.session[REAUTHENTICATION_CODE_SESSION_KEY]["code"]
    for _guess in range(3):
        client.post(CONFIRM, {"code": "ZZZZZZ"})

    response = client.post(CONFIRM, {"code": code})

    assert response.url.startswith(REQUEST)
