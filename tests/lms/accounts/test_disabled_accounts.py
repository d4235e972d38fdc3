"""Disabling an account signs it out everywhere at once."""

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.admin_helpers import signed_in
from tests.factories import PASSWORD, UserFactory, with_mfa

pytestmark = pytest.mark.django_db


def logged_in_browser(user) -> Client:
    browser = Client()
    browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert browser.get(reverse("lms:my_courses")).status_code == 200
    return browser


def test_disabling_an_account_in_the_admin_ends_its_sessions(client, learner):
    phone, office = logged_in_browser(learner), logged_in_browser(learner)
    keys = list(UserSession.objects.filter(user=learner).values_list("session_key"))
    assert len(keys) == 2
    admin = with_mfa(UserFactory(is_superuser=True, is_staff=True))
    response = signed_in(client, admin).post(
        reverse("wagtailusers_users:edit", args=[learner.pk]),
        {
            "username": learner.username,
            "email": learner.email,
            "first_name": learner.first_name,
            "last_name": learner.last_name,
            # An unticked "active" box sends nothing.
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert not learner.is_active
    for browser in (phone, office):
        page = browser.get(reverse("lms:my_courses"))
        assert page.url.startswith(reverse("account_login"))
    assert not Session.objects.filter(session_key__in=[k for (k,) in keys]).exists()
    assert not UserSession.objects.filter(user=learner).exists()


def test_saving_an_active_account_keeps_its_sessions(learner):
    browser = logged_in_browser(learner)
    learner.first_name = "Rosa Elena"
    learner.save()
    assert browser.get(reverse("lms:my_courses")).status_code == 200
