"""The certificates' admin: listing, inspecting, and the revoke/re-issue actions."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import ModelLogEntry

from certificates.admin.viewsets import CertificateViewSet
from certificates.issuance import reissue
from certificates.models import Certificate, RevocationReason, Status
from certificates.revocation import revoke
from courses.models import CoursePage
from tests.certificates.conftest import issue, people
from tests.factories import CoursePageFactory, UserFactory, with_mfa

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
ACTIONS = ["revoke", "reissue", "render"]


@pytest.fixture
def certificate(person, course) -> Certificate:
    return issue(person, course, timezone.localdate())


@pytest.fixture
def superuser(db):
    return with_mfa(UserFactory(email="oii@example.pe", is_superuser=True))


@pytest.fixture
def admin(client, superuser):
    """A superuser's client, reading the admin in English, its source language."""
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def url(name: str, certificate: Certificate | None = None) -> str:
    args = [certificate.pk] if certificate else []
    return reverse(f"certificates_admin:{name}", args=args)


def listing(client, **params) -> list[str]:
    """Return the codes the listing shows, in order."""
    response = client.get(url("index"), params)
    assert response.status_code == 200
    return [row.code for row in response.context["object_list"]]


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


# The listing


def test_a_superuser_lists_certificates_newest_first_with_their_status(
    admin, person, course, catalogue, superuser
):
    old = issue(person, course, date(2025, 3, 1))
    other_course = CoursePageFactory(parent=catalogue, title="Ética pública")
    new = issue(person, other_course, date(2026, 5, 1))
    revoke(certificate=new, reason="fraud", by=superuser, now=timezone.now())
    response = admin.get(url("index"))
    html = response.content.decode()
    assert listing(admin) == [new.code, old.code]
    for text in ["Rosa Elena Quispe Huamán", "Inducción", "Ética pública", "Revoked"]:
        assert text in html
    assert url("inspect", new) in html


def test_the_listing_is_searched_by_code_name_or_document(admin, certificate, course):
    others = [issue(p, course, timezone.localdate()) for p in people(2)]
    for query in [certificate.code, "quispe", "Rosa Huamán", "42388604"]:
        assert listing(admin, q=query) == [certificate.code], query
    assert listing(admin, q=others[1].code[-6:]) == [others[1].code]


def test_a_loosely_typed_code_finds_its_certificate(admin, certificate, course):
    issue(people(1)[0], course, timezone.localdate())
    loose = certificate.code.lower().replace("-", " ")
    assert listing(admin, q=loose) == [certificate.code]


def test_the_listing_is_filtered_by_course(admin, person, course, catalogue):
    other_course = CoursePageFactory(parent=catalogue)
    mine = issue(person, course, date(2026, 1, 5))
    theirs = issue(person, other_course, date(2026, 1, 6))
    assert listing(admin, course=course.pk) == [mine.code]
    assert listing(admin, course=other_course.pk) == [theirs.code]


def test_the_listing_is_filtered_by_issue_date_range(admin, course):
    first, second, third = people(3)
    issue(first, course, date(2026, 1, 31))
    inside = issue(second, course, date(2026, 2, 14))
    issue(third, course, date(2026, 3, 1))
    dates = {"issued_on_from": "2026-02-01", "issued_on_to": "2026-02-28"}
    assert listing(admin, **dates) == [inside.code]


def test_the_listing_costs_the_same_queries_for_3_or_30_certificates(
    client, officer, course, django_assert_max_num_queries
):
    client.force_login(officer)
    for person in people(3):
        issue(person, course, timezone.localdate())
    with CaptureQueriesContext(connection) as three:
        assert len(listing(client)) == 3
    for person in people(27, start=3):
        issue(person, course, timezone.localdate())
    with django_assert_max_num_queries(len(three)):
        assert len(listing(client)) == CertificateViewSet.list_per_page


# What the admin does not offer


def test_certificates_are_not_added_edited_copied_or_deleted_in_the_admin(
    admin, certificate
):
    for name in ["add", "edit", "copy", "delete"]:
        with pytest.raises(NoReverseMatch):
            url(name, None if name == "add" else certificate)
    base = url("index")
    for path in ["new/", f"edit/{certificate.pk}/", f"delete/{certificate.pk}/"]:
        assert admin.get(base + path).status_code == 404
        assert admin.post(base + path).status_code == 404
    html = admin.get(url("index")).content.decode()
    assert f"{base}new/" not in html
    assert f"{base}edit/" not in html
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_groups_are_offered_only_the_view_and_revoke_permissions():
    permissions = CertificateViewSet().get_permissions_to_register()
    codenames = set(permissions.values_list("codename", flat=True))
    assert codenames == {"view_certificate", "revoke_certificate"}


def test_log_entries_and_reports_link_to_the_inspect_view(editor, certificate):
    assert AdminURLFinder(editor).get_edit_url(certificate) == url(
        "inspect", certificate
    )
    outsider = UserFactory(email="visita@example.pe")
    assert AdminURLFinder(outsider).get_edit_url(certificate) is None


# Inspecting


def test_the_inspect_view_shows_every_field_and_the_actions(admin, certificate):
    response = admin.get(url("inspect", certificate))
    html = response.content.decode()
    labels = [field["label"] for field in response.context["fields"]]
    for field in Certificate._meta.concrete_fields:
        if field.name != "id":
            assert capfirst(field.verbose_name) in labels, field.name
    assert "Status" in labels
    assert certificate.code in html
    assert "Gobierno Regional de Cajamarca" in html
    for action in ACTIONS:
        assert url(action, certificate) in html
    assert url("history", certificate) in html


def test_a_revoked_certificate_offers_neither_revoking_nor_reissuing(
    admin, certificate, superuser
):
    revoke(certificate=certificate, reason="error", by=superuser, now=timezone.now())
    html = admin.get(url("inspect", certificate)).content.decode()
    assert url("render", certificate) in html
    assert url("revoke", certificate) not in html
    assert url("reissue", certificate) not in html


# Permissions


def test_an_editor_without_the_permission_sees_certificates_but_no_actions(
    client, editor, certificate
):
    client.force_login(editor)
    assert listing(client) == [certificate.code]
    html = client.get(url("inspect", certificate)).content.decode()
    assert certificate.holder_name in html
    for action in ACTIONS:
        assert url(action, certificate) not in html


@pytest.mark.parametrize("action", ACTIONS)
def test_an_editor_without_the_permission_cannot_act_and_nothing_changes(
    client, editor, certificate, action
):
    client.force_login(editor)
    stored = Certificate.objects.values().get(pk=certificate.pk)
    response = client.post(url(action, certificate), {"reason": "fraud"})
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert client.get(url(action, certificate)).status_code == 302
    assert Certificate.objects.values().get(pk=certificate.pk) == stored
    assert Certificate.objects.count() == 1
    assert not ModelLogEntry.objects.exists()


def test_someone_outside_the_admin_cannot_see_certificates(client, certificate):
    client.force_login(UserFactory(email="visita@example.pe"))
    response = client.get(url("inspect", certificate))
    assert response.status_code == 302
    assert certificate.code not in response.content.decode()


def test_an_officer_with_the_permission_acts_without_being_a_superuser(
    client, officer, certificate
):
    client.force_login(officer)
    assert listing(client) == [certificate.code]
    response = client.post(url("revoke", certificate), {"reason": "error"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_by == officer


# Revoking


def test_revoking_asks_for_the_reason_on_a_confirmation_page(admin, certificate):
    response = admin.get(url("revoke", certificate))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    for reason in RevocationReason:
        assert f'value="{reason.value}"' in html
    assert admin.post(url("revoke", certificate)).status_code == 400
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_revoking_records_the_reason_user_and_time_and_logs_it(
    admin, superuser, certificate
):
    moment = datetime(2026, 11, 23, 10, 30, tzinfo=LIMA)
    with time_machine.travel(moment, tick=False):
        admin.force_login(superuser)  # an idle staff session ends in 30 minutes
        response = admin.post(url("revoke", certificate), {"reason": "fraud"})
    assert response.status_code == 302
    assert response.url == url("inspect", certificate)
    certificate.refresh_from_db()
    assert certificate.revoked_at == moment
    assert certificate.revocation_reason == RevocationReason.FRAUD
    assert certificate.revoked_by == superuser
    entry = ModelLogEntry.objects.get(action="certificates.revoke")
    assert (entry.object_id, entry.user, entry.data) == (
        str(certificate.pk),
        superuser,
        {"reason": "fraud"},
    )
    assert messages_of(response) == [f"Certificate {certificate.code} revoked."]


def test_an_already_revoked_certificate_is_not_revoked_again(
    admin, certificate, editor
):
    first = timezone.now() - timedelta(days=2)
    revoke(certificate=certificate, reason="error", by=editor, now=first)
    response = admin.post(url("revoke", certificate), {"reason": "fraud"})
    assert response.url == url("inspect", certificate)
    assert messages_of(response) == [
        f"Certificate {certificate.code} is already revoked."
    ]
    certificate.refresh_from_db()
    assert (certificate.revoked_at, certificate.revoked_by) == (first, editor)
    assert certificate.revocation_reason == RevocationReason.ISSUED_IN_ERROR
    assert ModelLogEntry.objects.filter(action="certificates.revoke").count() == 1


# Re-issuing


def test_reissuing_gives_a_new_code_with_the_holders_corrected_name(
    admin, superuser, certificate, person, django_capture_on_commit_callbacks
):
    person.first_names = "Rosa Helena"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url("reissue", certificate))
    new = Certificate.objects.get(supersedes=certificate)
    assert response.url == url("inspect", new)
    assert new.code != certificate.code
    assert new.holder_name == "Rosa Helena Quispe Huamán"
    assert new.holder_document == "DNI *****604"
    assert (new.person, new.course) == (person, certificate.course)
    assert new.period == certificate.period + 1
    assert new.issued_on == timezone.localdate()
    certificate.refresh_from_db()
    assert certificate.holder_name == "Rosa Elena Quispe Huamán"
    assert certificate.superseded_by == new
    assert certificate.status(today=timezone.localdate()) == Status.SUPERSEDED
    entry = ModelLogEntry.objects.get(action="certificates.reissue")
    assert (entry.object_id, entry.user) == (str(certificate.pk), superuser)
    assert entry.data == {"replacement": new.code}
    assert messages_of(response) == [
        f"Certificate {certificate.code} re-issued as {new.code}."
    ]


def test_the_reissued_certificate_is_delivered_to_the_holder(
    admin, certificate, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url("reissue", certificate))
    new = Certificate.objects.get(supersedes=certificate)
    stored = new.pdf.read()
    assert new.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    [message] = mail.outbox
    assert message.to == [person.user.email]
    assert message.attachments[0][0] == f"{new.code}.pdf"


def test_the_old_certificate_reads_superseded_on_the_public_page(
    admin, client, certificate, person, django_capture_on_commit_callbacks
):
    person.last_names = "Quispe Huaman"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url("reissue", certificate))
    new = Certificate.objects.get(supersedes=certificate)
    client.logout()
    old_page = client.get(reverse("certificates:verify", args=[certificate.code]))
    new_page = client.get(reverse("certificates:verify", args=[new.code]))
    assert "verdict-superseded" in old_page.content.decode()
    assert new.get_absolute_url() in old_page.content.decode()  # links to it
    assert "verdict-valid" in new_page.content.decode()
    assert "Rosa Elena Quispe Huaman" in new_page.content.decode()


def test_reissuing_keeps_the_expiry_date_earned(
    admin, superuser, person, course, django_capture_on_commit_callbacks
):
    """A correction never extends validity."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=12)
    course = CoursePage.objects.get(pk=course.pk)
    old = issue(person, course, date(2026, 1, 10))
    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=LIMA), tick=False):
        admin.force_login(superuser)  # an idle staff session ends in 30 minutes
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(url("reissue", old))
    new = Certificate.objects.get(supersedes=old)
    assert (new.issued_on, new.expires_on) == (date(2026, 11, 23), date(2027, 1, 9))
    assert (new.hours, new.score) == (old.hours, old.score)


def test_an_expired_certificate_is_renewed_only_by_retaking_the_course(
    admin, superuser, person, course
):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=12)
    course = CoursePage.objects.get(pk=course.pk)
    old = issue(person, course, date(2024, 1, 10))
    with time_machine.travel(datetime(2026, 11, 23, 9, tzinfo=LIMA), tick=False):
        admin.force_login(superuser)  # an idle staff session ends in 30 minutes
        response = admin.post(url("reissue", old))
    assert messages_of(response) == [
        "An expired certificate cannot be re-issued: the course must be taken again."
    ]
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("state", "refusal"),
    [
        ("revoked", "A revoked certificate cannot be re-issued."),
        ("superseded", "This certificate has already been re-issued."),
    ],
)
def test_a_revoked_or_superseded_certificate_is_not_reissued(
    admin, superuser, certificate, state, refusal
):
    if state == "revoked":
        revoke(
            certificate=certificate, reason="fraud", by=superuser, now=timezone.now()
        )
    else:
        reissue(certificate=certificate, by=superuser, now=timezone.now())
    count, logged = Certificate.objects.count(), ModelLogEntry.objects.count()
    response = admin.post(url("reissue", certificate))
    assert response.url == url("inspect", certificate)
    assert messages_of(response) == [refusal]
    assert Certificate.objects.count() == count
    assert ModelLogEntry.objects.count() == logged


def test_the_history_shows_the_reissue(
    admin, certificate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url("reissue", certificate))
    new = Certificate.objects.get(supersedes=certificate)
    html = admin.get(url("history", certificate)).content.decode()
    assert f"Certificate re-issued as {new.code}" in html


# Rendering again


def test_rerendering_replaces_the_stored_pdf_and_its_fingerprint(admin, certificate):
    placeholder = b"%PDF-1.7 placeholder"
    certificate.pdf.save("viejo.pdf", ContentFile(placeholder), save=False)
    certificate.pdf_sha256 = hashlib.sha256(placeholder).hexdigest()
    certificate.save()
    old_name = certificate.pdf.name
    response = admin.post(url("render", certificate))
    assert response.url == url("inspect", certificate)
    certificate.refresh_from_db()
    stored = certificate.pdf.read()
    assert certificate.pdf.name != old_name
    assert stored.startswith(b"%PDF") and stored != placeholder
    assert certificate.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert messages_of(response) == [
        f"The PDF of {certificate.code} was rendered again."
    ]
