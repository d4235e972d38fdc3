"""The audit trail: one JSON line per security event, saying who, when,
from where and what, and never a password, token, code or document number."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate, reissue
from certificates.revocation import revoke
from lms.demo.catalogue import current_totp_code
from lms.models import Assignment, Person, Role
from lms.staff.invitations import invite
from tests.admin_helpers import signed_in
from tests.factories import (
    PASSWORD,
    StaffMemberFactory,
    UserFactory,
    grant,
    totp_code,
    with_mfa,
)

pytestmark = pytest.mark.django_db

DNI = "42388604"
ADDRESS = "203.0.113.7"


@pytest.fixture
def person(learner):
    return Person.objects.create(
        user=learner, document_number=DNI, first_names="Rosa", last_names="Quispe"
    )


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=ADDRESS,
    )


def test_a_login_says_who_when_and_from_where(client, learner, person, trail):
    log_in(client, learner.email)
    [line] = trail.of("login")
    assert (line["user_id"], line["user"], line["ip"]) == (
        learner.pk,
        learner.email,
        ADDRESS,
    )
    assert line["time"].startswith(str(timezone.now().year))
    client.post(reverse("account_logout"), REMOTE_ADDR=ADDRESS)
    assert trail.of("logout")[0]["user_id"] == learner.pk
    assert PASSWORD not in trail.text and DNI not in trail.text


def test_a_failed_login_names_the_account_but_not_what_was_typed(
    client, learner, person, trail
):
    log_in(client, learner.email, "clave-equivocada-123")
    log_in(client, "nadie@example.pe", "clave-equivocada-123")
    known, unknown = trail.of("login_failed")
    assert (known["account_id"], known["ip"], known["user_id"]) == (
        learner.pk,
        ADDRESS,
        None,
    )
    assert unknown["account_id"] is None and len(unknown["login"]) == 16
    for secret in ("clave-equivocada-123", "nadie@example.pe", learner.email):
        assert secret not in json.dumps([known, unknown])


def test_throttled_logins_and_second_factor_failures_are_written(client, hr_a, trail):
    for _attempt in range(5):
        log_in(client, hr_a.email, "clave-equivocada-123")
    log_in(client, hr_a.email)
    assert trail.of("login_throttled")[0]["account_id"] == hr_a.pk
    other = UserFactory(email="rrhh.dos@example.pe")
    grant(other, Role.HR_OFFICER, hr_a.organisation_roles.get().organisation)
    log_in(client, other.email)
    wrong = str((int(totp_code()) + 1) % 1_000_000).zfill(6)
    client.post(reverse("mfa_authenticate"), {"code": wrong}, REMOTE_ADDR=ADDRESS)
    [failure] = trail.of("mfa_failed")
    assert (failure["account_id"], failure["ip"]) == (other.pk, ADDRESS)
    assert wrong not in trail.text


def test_setting_up_an_authenticator_is_written_without_its_secret(
    client, units, trail, django_capture_on_commit_callbacks
):
    hr = grant(UserFactory(), Role.HR_OFFICER, units["a"])
    Authenticator.objects.filter(user=hr).delete()
    client.force_login(hr)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    code = current_totp_code(secret)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code}, REMOTE_ADDR=ADDRESS)
    activated = trail.of("mfa_activated")
    assert activated[0]["user_id"] == hr.pk and activated[0]["ip"] == ADDRESS
    session_key = client.session.session_key
    for secret_value in (secret, code, session_key, PASSWORD):
        assert secret_value not in trail.text


def test_a_refusal_is_written_with_the_path(client, learner, trail):
    editor = with_mfa(UserFactory(email="editora@example.pe"))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(learner)
    client.get(reverse("wagtailadmin_home"), REMOTE_ADDR=ADDRESS)
    signed_in(client, editor).get(reverse("lms_report_overdue"))
    wagtail_refusal, forbidden = trail.of("permission_denied")
    assert (wagtail_refusal["user_id"], wagtail_refusal["ip"]) == (
        learner.pk,
        ADDRESS,
    )
    assert wagtail_refusal["path"] == reverse("wagtailadmin_home")
    assert (forbidden["user_id"], forbidden["path"]) == (
        editor.pk,
        reverse("lms_report_overdue"),
    )


def test_role_and_group_changes_say_who_made_them(
    client, integrity_officer, units, trail
):
    newcomer = UserFactory(email="nuevo@example.pe")
    signed_in(client, integrity_officer).post(
        reverse("lms_roles:add"),
        {"user": newcomer.pk, "role": Role.HR_OFFICER, "organisation": units["a"].pk},
        REMOTE_ADDR=ADDRESS,
    )
    [granted] = trail.of("role_granted")[-1:]
    assert granted["user_id"] == integrity_officer.pk and granted["ip"] == ADDRESS
    assert (granted["account_id"], granted["role"], granted["unit_id"]) == (
        newcomer.pk,
        Role.HR_OFFICER,
        units["a"].pk,
    )
    newcomer.organisation_roles.get().delete()
    assert trail.of("role_removed")[0]["account_id"] == newcomer.pk
    newcomer.is_superuser = True
    newcomer.save()
    [flag] = trail.of("account_flag_changed")
    assert (flag["account_id"], flag["flag"], flag["value"]) == (
        newcomer.pk,
        "is_superuser",
        True,
    )


def test_certificates_issued_revoked_and_reissued_are_written(
    person, course, integrity_officer, trail
):
    certificate = issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=90
    )
    new = reissue(certificate=certificate, by=integrity_officer, now=timezone.now())
    revoke(certificate=new, reason="fraud", by=integrity_officer, now=timezone.now())
    [issued] = trail.of("certificate_issued")
    assert issued["certificate"] == certificate.code
    [reissued] = trail.of("certificate_reissued")
    assert (reissued["certificate"], reissued["replacement"]) == (
        certificate.code,
        new.code,
    )
    [revoked] = trail.of("certificate_revoked")
    assert (revoked["certificate"], revoked["user_id"], revoked["reason"]) == (
        new.code,
        integrity_officer.pk,
        "fraud",
    )
    assert DNI not in trail.text


def test_an_hr_export_is_written_without_the_people_in_it(
    client, hr_a, units, induction, trail, django_capture_on_commit_callbacks
):
    staff = StaffMemberFactory(
        person=Person.objects.create(
            document_number="41111111", first_names="Ana", last_names="Alfaro"
        ),
        unit=units["a"],
        hired_on=date(2026, 1, 5),
    )
    Assignment.objects.create(staff=staff, requirement=induction, due_on=date.today())
    with django_capture_on_commit_callbacks(execute=True):
        invite(staff=staff, by=hr_a, now=timezone.now())
    token = re.search(r"/invitacion/[^/]+/([^/]+)/", mail.outbox[0].body).group(1)
    client.force_login(hr_a)
    response = client.get(
        reverse("lms_report_assignments"),
        {"export": "csv", "q": "41111111"},
        REMOTE_ADDR=ADDRESS,
    )
    assert b"41111111" in b"".join(response.streaming_content)
    [export] = trail.of("hr_export")
    assert (export["user_id"], export["ip"], export["format"]) == (
        hr_a.pk,
        ADDRESS,
        "csv",
    )
    client.get(reverse("certificates_staff_transcript", args=[staff.pk]))
    assert trail.of("transcript_downloaded")[0]["staff_id"] == staff.pk
    for secret in ("41111111", "Alfaro", token, PASSWORD):
        assert secret not in trail.text


@pytest.mark.parametrize(("proxies", "seen"), [(0, "10.0.0.2"), (1, ADDRESS)])
def test_the_address_is_read_through_our_proxies_only(
    client, learner, trail, settings, proxies, seen
):
    """A client cannot pass itself off as another by sending the header."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    client.post(
        reverse("account_login"),
        {"login": learner.email, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=ADDRESS,
    )
    assert trail.of("login")[0]["ip"] == seen
