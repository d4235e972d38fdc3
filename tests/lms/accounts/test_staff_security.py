"""Staff accounts: who must use two-factor, how it is enforced, idle sessions."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from lms.accounts.staff_security import must_use_mfa
from lms.demo.catalogue import current_totp_code
from lms.models import Role
from tests.admin_helpers import messages_of
from tests.factories import PASSWORD, UserFactory, grant, totp_code, with_mfa

pytestmark = pytest.mark.django_db

ACTIVATE = reverse("mfa_activate_totp")


def confirm_password(client):
    """allauth asks for the password again before adding an authenticator."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def editor_in_group():
    group = Group.objects.create(name="Editores de prueba")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    user = UserFactory(email="editora@example.pe")
    user.groups.add(group)
    return user


def test_learners_need_no_second_factor(learner, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert not must_use_mfa(learner)


def test_roles_admin_access_trainers_and_superusers_need_a_second_factor(
    units, trainer, trainer_user, django_assert_num_queries
):
    direct = UserFactory(email="directo@example.pe")
    direct.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff = [
        grant(UserFactory(), Role.HR_OFFICER, units["a"]),
        grant(UserFactory(), Role.UNIT_HEAD, units["b"]),
        grant(UserFactory(), Role.INTEGRITY_OFFICER),
        trainer_user,
        editor_in_group(),
        direct,
        UserFactory(is_superuser=True),
    ]
    for user in staff:
        with django_assert_num_queries(1):
            assert must_use_mfa(user), user.email


def test_a_withdrawn_trainer_no_longer_needs_one(trainer, trainer_user):
    trainer.withdrawn_at = timezone.now()
    trainer.withdrawn_by = trainer.approved_by
    trainer.withdrawal_reason = "Dejó de enseñar"
    trainer.save()
    assert not must_use_mfa(trainer_user)


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, units, english):
    hr = grant(UserFactory(), Role.HR_OFFICER, units["a"])
    Authenticator.objects.filter(user=hr).delete()
    client.force_login(hr)
    for page in (reverse("lms:my_courses"), reverse("wagtailadmin_home"), "/"):
        response = client.get(page)
        assert (response.status_code, response.url) == (302, ACTIVATE)
    assert "it needs a second factor" in messages_of(response)[-1]
    # Setting it up, leaving and switching language stay open.
    response = client.get(ACTIVATE)
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200
    confirm_password(client)
    assert client.get(ACTIVATE).status_code == 200
    assert client.post(reverse("set_language"), {"language": "es"}).status_code == 302
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_a_superuser_without_one_cannot_use_the_admin(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailadmin_pages:add_subpage", args=[1]))
    assert response.url == ACTIVATE


def test_setting_up_the_authenticator_app_opens_the_site(client, units):
    """The QR code is an inline SVG, allowed by the site's image policy."""
    hr = UserFactory()
    grant(hr, Role.HR_OFFICER, units["a"])
    Authenticator.objects.filter(user=hr).delete()
    client.force_login(hr)
    confirm_password(client)
    page = client.get(ACTIVATE).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert 'class="site-header"' in page
    secret = client.session[SECRET_SESSION_KEY]
    client.post(ACTIVATE, {"code": current_totp_code(secret)})
    assert Authenticator.objects.filter(user=hr, type="totp").exists()
    assert client.get(reverse("lms:my_courses")).status_code == 200


def test_learners_are_not_asked_for_one(learner_client):
    assert learner_client.get(reverse("lms:my_courses")).status_code == 200


def test_staff_log_in_with_password_then_the_code(client, hr_a):
    response = client.post(
        reverse("account_login"), {"login": hr_a.email, "password": PASSWORD}
    )
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("lms:my_courses")).status_code == 302  # not yet in
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.url == reverse("lms:my_courses")
    assert client.get(reverse("lms:my_courses")).status_code == 200


def test_the_admin_login_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.url == reverse("account_login") + "?next=/admin/pages/"
    anonymous = client.get(reverse("wagtailadmin_home"))
    assert anonymous.url.startswith(reverse("account_login"))


def test_posting_to_the_admin_login_logs_nobody_in(client):
    """Not even a superuser with the right password skips the second factor."""
    admin = with_mfa(UserFactory(is_superuser=True, is_staff=True))
    data = {"username": admin.username, "password": PASSWORD}
    response = client.post("/admin/login/", {**data, "login": admin.email})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def test_staff_sessions_end_after_30_idle_minutes(client, hr_a):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.force_login(hr_a)
        assert client.get(reverse("lms:my_courses")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("lms:my_courses")).status_code == 200
        traveller.shift(timedelta(minutes=29))  # each visit restarts the count
        assert client.get(reverse("lms:my_courses")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("lms:my_courses"))
    assert response.url.startswith(reverse("account_login"))


def test_learners_keep_the_longer_session(learner_client):
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert learner_client.get(reverse("lms:my_courses")).status_code == 200


class TestStandingKeptInTheSession:
    """Read once per session, and again as soon as anything behind it changes."""

    MY_COURSES = reverse("lms:my_courses")

    def sent_to_set_up_mfa(self, client) -> bool:
        response = client.get(self.MY_COURSES)
        return (response.status_code, response.get("Location")) == (302, ACTIVATE)

    @pytest.fixture
    def signed_in(self, client, learner):
        client.force_login(learner)
        assert not self.sent_to_set_up_mfa(client)
        return client

    def test_a_learners_next_pages_do_not_ask_again(self, signed_in):
        asked = []

        def count(execute, sql, params, many, context):
            asked.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            signed_in.get(self.MY_COURSES)
        assert not [sql for sql in asked if "lms_organisationrole" in sql]

    def test_a_role_granted_meanwhile_asks_for_a_second_factor(
        self, signed_in, learner, units
    ):
        grant(learner, Role.HR_OFFICER, units["a"])
        Authenticator.objects.filter(user=learner).delete()
        assert self.sent_to_set_up_mfa(signed_in)

    def test_admin_access_through_a_group_asks_for_one(self, signed_in, learner):
        group = Group.objects.create(name="Editores nuevos")
        group.user_set.add(learner)
        assert not self.sent_to_set_up_mfa(signed_in)
        group.permissions.add(Permission.objects.get(codename="access_admin"))
        assert self.sent_to_set_up_mfa(signed_in)
        # Taken away from the group's side: a learner again.
        group.user_set.clear()
        assert not self.sent_to_set_up_mfa(signed_in)

    def test_admin_access_granted_directly_asks_for_one(self, signed_in, learner):
        permission = Permission.objects.get(codename="access_admin")
        permission.user_set.add(learner)
        assert self.sent_to_set_up_mfa(signed_in)
        learner.user_permissions.remove(permission)
        assert not self.sent_to_set_up_mfa(signed_in)

    def test_a_trainer_certification_asks_for_one_and_its_withdrawal_ends_that(
        self, client, trainer, trainer_user
    ):
        Authenticator.objects.filter(user=trainer_user).delete()
        client.force_login(trainer_user)
        assert self.sent_to_set_up_mfa(client)
        trainer.withdrawn_at = timezone.now()
        trainer.withdrawn_by = trainer.approved_by
        trainer.withdrawal_reason = "Dejó de enseñar"
        trainer.save()
        assert not self.sent_to_set_up_mfa(client)

    def test_an_authenticator_set_up_lets_staff_in(self, client, units):
        hr = grant(UserFactory(), Role.HR_OFFICER, units["a"])
        Authenticator.objects.filter(user=hr).delete()
        client.force_login(hr)
        assert self.sent_to_set_up_mfa(client)
        with_mfa(hr)
        assert not self.sent_to_set_up_mfa(client)

    def test_becoming_superuser_asks_for_one(self, signed_in, learner):
        learner.is_superuser = True
        learner.save()
        assert self.sent_to_set_up_mfa(signed_in)
