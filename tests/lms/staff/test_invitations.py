"""Inviting staff by a one-time link, and opening the account from it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.models import StaffMember, User
from tests.factories import PASSWORD, PersonFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
SITE = "https://integridad.example.pe"
INSTITUTIONAL = "rosa.quispe@regioncajamarca.gob.pe"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.WAGTAILADMIN_BASE_URL = SITE


@pytest.fixture
def invitee(units):
    person = PersonFactory(first_names="Rosa Elena", last_names="Quispe Huamán")
    return StaffMemberFactory(unit=units["a1"], person=person, email=INSTITUTIONAL)


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Post the admin's invite button as `user`; return the response."""

    def invite(user, staff: StaffMember):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("lms_staff_invite", args=[staff.pk]))
        client.logout()
        return response

    return invite


def link_path(message) -> str:
    """Return the path of the invitation link in an email."""
    link = re.search(rf"{re.escape(SITE)}(/invitacion/\S+/\S+/)", message.body)
    return link.group(1)


def accept(client, path: str, password: str = PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def in_english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestSending:
    def test_hr_sends_the_link_to_the_institutional_email(self, invite, invitee, hr_a):
        response = invite(hr_a, invitee)
        assert response.status_code == 302
        assert response.url == reverse("lms_staff_detail", args=[invitee.pk])
        [message] = mail.outbox
        assert message.to == [INSTITUTIONAL]
        assert link_path(message).startswith("/invitacion/")
        assert invitee.person.document_number not in message.body
        invitee.refresh_from_db()
        assert invitee.invited_at is not None
        entry = ModelLogEntry.objects.get(action="lms.invite")
        assert entry.user == hr_a and entry.object_id == str(invitee.pk)

    def test_the_integrity_officer_invites_anyone(
        self, invite, invitee, integrity_officer
    ):
        assert invite(integrity_officer, invitee).status_code == 302
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize("who", ["hr_b", "unit_head_a"])
    def test_someone_without_managing_scope_gets_404(
        self, request, invite, invitee, who
    ):
        response = invite(request.getfixturevalue(who), invitee)
        assert response.status_code == 404
        assert mail.outbox == []
        invitee.refresh_from_db()
        assert invitee.invited_at is None

    def test_a_learner_is_turned_away_from_the_admin(self, invite, invitee, learner):
        response = invite(learner, invitee)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
        assert mail.outbox == []

    def test_only_post_sends_an_invitation(self, client, invitee, hr_a):
        client.force_login(hr_a)
        response = client.get(reverse("lms_staff_invite", args=[invitee.pk]))
        assert response.status_code == 405
        assert mail.outbox == []

    def test_a_post_without_the_csrf_token_is_refused(self, invitee, hr_a):
        client = Client(enforce_csrf_checks=True)
        client.force_login(hr_a)
        response = client.post(reverse("lms_staff_invite", args=[invitee.pk]))
        assert response.status_code == 403
        assert mail.outbox == []

    def test_nobody_is_invited_who_already_has_an_account(self, invite, invitee, hr_a):
        invitee.person.user = UserFactory()
        invitee.person.save(update_fields=["user"])
        assert invite(hr_a, invitee).status_code == 302
        assert mail.outbox == []
        invitee.refresh_from_db()
        assert invitee.invited_at is None
        assert not ModelLogEntry.objects.filter(action="lms.invite").exists()

    def test_a_record_without_email_cannot_be_invited(self, invite, invitee, hr_a):
        invitee.email = ""
        invitee.save(update_fields=["email"])
        invite(hr_a, invitee)
        assert mail.outbox == []
        invitee.refresh_from_db()
        assert invitee.invited_at is None


class TestAccepting:
    @pytest.fixture
    def path(self, invite, invitee, hr_a) -> str:
        invite(hr_a, invitee)
        return link_path(mail.outbox[-1])

    def test_the_link_shows_the_name_and_asks_for_a_password(self, client, path):
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Rosa Elena Quispe Huamán" in html
        assert 'name="new_password1"' in html
        assert 'class="site-header"' in html

    def test_accepting_opens_a_verified_account_linked_to_the_person(
        self, client, path, invitee
    ):
        response = accept(client, path)
        assert response.status_code == 302
        assert response.url == reverse("lms:my_courses")
        user = User.objects.get(email=INSTITUTIONAL)
        assert user.get_full_name() == "Rosa Elena Quispe Huamán"
        address = EmailAddress.objects.get(user=user)
        assert address.verified and address.primary
        invitee.person.refresh_from_db()
        assert invitee.person.user == user
        assert client.get(reverse("lms:my_courses")).status_code == 200

    def test_the_new_account_logs_in_with_its_password(self, client, path):
        accept(client, path)
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": INSTITUTIONAL, "password": PASSWORD}
        )
        assert response.url == reverse("lms:my_courses")

    def test_a_used_link_is_refused(self, client, path):
        accept(client, path)
        client.logout()
        response = accept(in_english(client), path, "otra-clave-segura-456")
        assert "This invitation link is not valid." in response.content.decode()
        assert User.objects.filter(email=INSTITUTIONAL).count() == 1
        assert client.get(reverse("lms:my_courses")).status_code == 302

    @pytest.mark.parametrize(
        "tamper",
        [
            lambda path: path[:-2] + ("0" if path[-2] != "0" else "1") + "/",
            lambda path: path.replace("/invitacion/", "/invitacion/x"),
            lambda path: re.sub(r"/invitacion/[^/]+/", "/invitacion/!!/", path),
            lambda path: re.sub(r"/[^/]+/$", "/not-a-token/", path),
        ],
    )
    def test_a_tampered_link_shows_a_clear_page(self, client, path, tamper):
        response = accept(in_english(client), tamper(path))
        assert response.status_code == 200
        assert "This invitation link is not valid." in response.content.decode()
        assert not User.objects.filter(email=INSTITUTIONAL).exists()

    def test_a_newer_invitation_voids_the_older_link(
        self, client, invite, invitee, hr_a
    ):
        with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=LIMA)):
            invite(hr_a, invitee)
        with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=LIMA)):
            invite(hr_a, invitee)
            old, new = (link_path(message) for message in mail.outbox)
            assert "not valid" in accept(in_english(client), old).content.decode()
            assert accept(client, new).url == reverse("lms:my_courses")

    def test_a_link_expires(self, client, invite, invitee, hr_a, settings):
        settings.INVITATION_TIMEOUT_DAYS = 14
        sent = datetime(2026, 3, 2, 9, tzinfo=LIMA)
        with time_machine.travel(sent):
            invite(hr_a, invitee)
        path = link_path(mail.outbox[0])
        with time_machine.travel(sent + timedelta(days=13)):
            assert client.get(path).status_code == 200
            assert 'name="new_password1"' in client.get(path).content.decode()
        with time_machine.travel(sent + timedelta(days=15)):
            response = accept(in_english(client), path)
        assert "This invitation link is not valid." in response.content.decode()
        assert not User.objects.filter(email=INSTITUTIONAL).exists()

    def test_a_weak_password_is_refused_and_nothing_is_created(
        self, client, path, invitee
    ):
        response = accept(client, path, "12345678")
        assert response.status_code == 200
        assert 'class="errorlist' in response.content.decode()
        assert not User.objects.filter(email=INSTITUTIONAL).exists()
        invitee.person.refresh_from_db()
        assert invitee.person.user is None

    def test_an_email_with_an_account_already_links_nothing(
        self, client, path, invitee
    ):
        UserFactory(email=INSTITUTIONAL)
        response = accept(in_english(client), path)
        html = response.content.decode()
        assert "An account with this email already exists." in html
        assert reverse("account_login") in html
        invitee.person.refresh_from_db()
        assert invitee.person.user is None
        assert User.objects.filter(email=INSTITUTIONAL).count() == 1
