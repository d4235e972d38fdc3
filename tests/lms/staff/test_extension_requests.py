"""Extension requests: a unit head or the person asks HR for a later due date,
HR grants or denies it, and each of them is told."""

from __future__ import annotations

from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from lms.models import (
    Assignment,
    DueDateExtension,
    ExtensionRequest,
    ExtensionRequestStatus,
    Role,
)
from lms.staff.assignments import sync_assignments, waive
from lms.staff.extension_requests import (
    ExtensionRequestError,
    deny_extension,
    grant_extension,
    request_extension,
)
from lms.staff.viewsets import PersonnelViewSetGroup
from tests.admin_helpers import is_denied, messages_of, signed_in
from tests.factories import (
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, tzinfo=ZoneInfo("America/Lima"))
DUE = date(2026, 3, 31)  # hired 1 March, 30 days


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def rosa(member_a):
    """Rosa's staff record (tests/lms/conftest.py), with an account."""
    member_a.person.user = UserFactory(
        email="rosa.quispe@example.pe", first_name="Rosa"
    )
    member_a.person.save(update_fields=["user"])
    return member_a


@pytest.fixture
def pedro(member_b):
    """Pedro's staff record in unit B (tests/lms/conftest.py)."""
    return member_b


@pytest.fixture
def assignment(rosa, pedro, induction) -> Assignment:
    sync_assignments(today=TODAY)
    return Assignment.objects.get(staff=rosa)


@pytest.fixture
def pedros(assignment, pedro) -> Assignment:
    return Assignment.objects.get(staff=pedro)


def ask_as_head(client, head, assignment, **data):
    url = reverse(
        "lms_staff_request_extension", args=[assignment.staff_id, assignment.pk]
    )
    return signed_in(client, head).post(
        url, {"requested_due_on": "2026-04-30", "reason": "Licencia médica"} | data
    )


def pending_request(assignment, by) -> ExtensionRequest:
    return request_extension(
        assignment=assignment,
        requested_due_on=date(2026, 4, 30),
        reason="Licencia médica",
        by=by,
        now=timezone.now(),
    )


# The unit head asks


def test_a_unit_head_sees_the_request_button_and_hr_its_own_extend(
    client, unit_head_a, hr_a, assignment
):
    url = reverse("lms_staff_detail", args=[assignment.staff_id])
    head_page = signed_in(client, unit_head_a).get(url).content.decode()
    assert "Request an extension" in head_page
    assert "Extend the due date" not in head_page
    hr_page = signed_in(client, hr_a).get(url).content.decode()
    assert "Extend the due date" in hr_page
    assert "Request an extension" not in hr_page


def test_a_unit_head_asks_and_hr_of_the_unit_is_told_once(
    client,
    unit_head_a,
    hr_a,
    hr_b,
    integrity_officer,
    assignment,
    django_capture_on_commit_callbacks,
    trail,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask_as_head(client, unit_head_a, assignment)
    assert messages_of(response) == [
        "Extension requested: HR will answer you by e-mail."
    ]
    request = ExtensionRequest.objects.get()
    assert request.status == ExtensionRequestStatus.PENDING
    assert request.requested_by == unit_head_a
    assert (request.current_due_on, request.requested_due_on) == (
        DUE,
        date(2026, 4, 30),
    )
    # Only HR over the unit: not B's HR, not the integrity officer.
    assert [message.to for message in mail.outbox] == [[hr_a.email]]
    assert "Rosa Elena Quispe" in mail.outbox[0].subject
    assert "Licencia médica" in mail.outbox[0].body
    assert reverse("lms_extension_requests") in mail.outbox[0].body
    assignment.refresh_from_db()
    assert assignment.due_on == DUE  # nothing moves until HR grants
    [line] = trail.of("extension_requested")
    assert line["extension_request_id"] == request.pk
    assert line["user_id"] == unit_head_a.pk
    page = client.get(reverse("lms_staff_detail", args=[assignment.staff_id]))
    assert "Waiting for HR's answer." in page.content.decode()


def test_the_integrity_officer_is_told_where_no_hr_officer_covers_the_unit(
    client, units, hr_a, integrity_officer, pedros, django_capture_on_commit_callbacks
):
    head_b = grant(UserFactory(email="jefe.b@example.pe"), Role.UNIT_HEAD, units["b"])
    with django_capture_on_commit_callbacks(execute=True):
        ask_as_head(client, head_b, pedros)
    assert [message.to for message in mail.outbox] == [[integrity_officer.email]]


def test_a_unit_head_cannot_ask_for_another_units_person(client, unit_head_a, pedros):
    assert ask_as_head(client, unit_head_a, pedros).status_code == 404
    assert not ExtensionRequest.objects.exists()


def test_hr_does_not_ask_it_extends(client, hr_a, assignment):
    assert is_denied(ask_as_head(client, hr_a, assignment))
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-03-31", "Ask for a date later than the current due date."),
        ("2026-03-20", "Ask for a date later than the current due date."),
        ("9999-12-31", "New due date: Enter a date between 01/01/1900 and 10/03/2036."),
        ("", "New due date: Choose the date you ask for."),
    ],
)
def test_a_date_not_after_the_due_date_or_implausible_is_refused(
    client, english, unit_head_a, assignment, written, message
):
    response = ask_as_head(client, unit_head_a, assignment, requested_due_on=written)
    assert messages_of(response) == [message]
    assert not ExtensionRequest.objects.exists()


def test_a_second_request_waits_for_the_first_answer(client, unit_head_a, assignment):
    ask_as_head(client, unit_head_a, assignment)
    response = ask_as_head(
        client, unit_head_a, assignment, requested_due_on="2026-05-30"
    )
    assert unescape(messages_of(response)[-1]) == (
        "An extension of this training is already waiting for HR's answer."
    )
    assert ExtensionRequest.objects.count() == 1


def test_the_database_keeps_one_pending_request_per_assignment(unit_head_a, assignment):
    first = pending_request(assignment, unit_head_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(
            assignment=assignment,
            current_due_on=first.current_due_on,
            requested_due_on=date(2026, 5, 30),
            reason="Otra",
            requested_by=unit_head_a,
            requested_at=timezone.now(),
        )


def test_the_database_refuses_a_date_not_after_the_due_date(unit_head_a, assignment):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExtensionRequest.objects.create(
            assignment=assignment,
            current_due_on=DUE,
            requested_due_on=DUE,
            reason="Licencia",
            requested_by=unit_head_a,
            requested_at=timezone.now(),
        )


def test_nothing_is_asked_of_a_waived_or_completed_requirement(
    unit_head_a, hr_a, assignment
):
    waive(assignment=assignment, reason="Equivalente", by=hr_a, now=timezone.now())
    with pytest.raises(ExtensionRequestError, match="exonerada"):
        pending_request(assignment, unit_head_a)
    Assignment.objects.filter(pk=assignment.pk).update(
        waived_at=None, waived_by=None, waiver_reason="", completed_on=TODAY
    )
    with pytest.raises(ExtensionRequestError, match="ya está cumplida"):
        pending_request(assignment, unit_head_a)
    assert not ExtensionRequest.objects.exists()


# HR's list


def test_hr_lists_its_units_requests_pending_first(
    client, unit_head_a, hr_a, hr_b, integrity_officer, assignment, pedros
):
    answered = pending_request(assignment, unit_head_a)
    deny_extension(request=answered, answer="Sin sustento", by=hr_a, now=timezone.now())
    waiting = pending_request(assignment, unit_head_a)
    others = pending_request(pedros, integrity_officer)
    listed = signed_in(client, hr_a).get(reverse("lms_extension_requests"))
    assert list(listed.context["page"]) == [waiting, answered]
    assert list(
        signed_in(client, hr_b).get(reverse("lms_extension_requests")).context["page"]
    ) == [others]
    everyone = signed_in(client, integrity_officer).get(
        reverse("lms_extension_requests")
    )
    assert {each.pk for each in everyone.context["page"]} == {
        waiting.pk,
        answered.pk,
        others.pk,
    }


def test_the_list_is_in_the_personnel_menu_of_those_who_answer(
    rf, client, hr_a, unit_head_a, integrity_officer
):
    [link] = [
        item
        for item in PersonnelViewSetGroup().get_submenu_items()
        if item.name == "lms-extension-requests"
    ]
    request = rf.get("/admin/")
    for user, shown in [(hr_a, True), (integrity_officer, True), (unit_head_a, False)]:
        request.user = user
        assert link.is_shown(request) is shown, user
    assert is_denied(signed_in(client, unit_head_a).get(link.url))


def test_the_list_costs_the_same_queries_for_one_or_many_requests(
    client,
    hr_a,
    unit_head_a,
    units,
    induction,
    assignment,
    django_assert_max_num_queries,
):
    pending_request(assignment, unit_head_a)
    signed_in(client, hr_a)
    url = reverse("lms_extension_requests")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    queries_for_one = len(one)
    members = StaffMemberFactory.create_batch(5, unit=units["a"])
    sync_assignments(today=TODAY)
    for member in members:
        pending_request(Assignment.objects.get(staff=member), unit_head_a)
    with django_assert_max_num_queries(queries_for_one):
        response = client.get(url)
    assert response.content.decode().count("Licencia médica") == 6


# HR answers


def grant_url(request) -> str:
    return reverse("lms_extension_requests_grant", args=[request.pk])


def test_hr_grants_another_date_and_the_due_date_moves_once(
    client, hr_a, unit_head_a, assignment, django_capture_on_commit_callbacks, trail
):
    request = pending_request(assignment, unit_head_a)
    mail.outbox.clear()
    signed_in(client, hr_a)
    data = {"granted_due_on": "2026-04-20", "answer": "Hasta el fin de la licencia"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(grant_url(request), data)
    assert messages_of(response) == ["Extension granted; the asker is told by e-mail."]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(grant_url(request), {"granted_due_on": "2026-05-20"})
    assert messages_of(again)[-1:] == ["This request has already been answered."]

    assignment.refresh_from_db()
    assert assignment.due_on == date(2026, 4, 20)
    request.refresh_from_db()
    assert request.status == ExtensionRequestStatus.GRANTED
    assert (request.answered_by, request.granted_due_on) == (hr_a, date(2026, 4, 20))
    extension = DueDateExtension.objects.get()
    assert request.extension == extension
    assert extension.reason == "Hasta el fin de la licencia"
    # The asker, once, in Spanish.
    [told] = mail.outbox
    assert told.to == [unit_head_a.email]
    assert (
        told.subject
        == "[Integridad Cajamarca] Prórroga concedida: Inducción en integridad"
    )
    assert "20/04/2026" in told.body
    assert reverse("lms_staff_detail", args=[assignment.staff_id]) in told.body
    [line] = trail.of("extension_granted")
    assert line["new_due_on"] == "2026-04-20" and line["user_id"] == hr_a.pk
    entry = ModelLogEntry.objects.get(action="lms.extend_due_date")
    assert entry.object_id == str(assignment.staff_id)


def test_a_grant_after_a_deny_applies_nothing(hr_a, unit_head_a, assignment):
    request = pending_request(assignment, unit_head_a)
    stale = ExtensionRequest.objects.get(pk=request.pk)
    deny_extension(request=request, answer="No procede", by=hr_a, now=timezone.now())
    with pytest.raises(ExtensionRequestError, match="ya fue respondida"):
        grant_extension(
            request=stale,
            granted_due_on=date(2026, 4, 30),
            answer="",
            by=hr_a,
            now=timezone.now(),
        )
    assignment.refresh_from_db()
    assert assignment.due_on == DUE
    assert not DueDateExtension.objects.exists()


def test_hr_denies_with_a_reason_and_the_person_who_asked_is_told(
    client, hr_a, rosa, assignment, django_capture_on_commit_callbacks
):
    request = pending_request(assignment, rosa.person.user)
    mail.outbox.clear()
    url = reverse("lms_extension_requests_deny", args=[request.pk])
    signed_in(client, hr_a)
    assert messages_of(client.post(url, {"reason": ""})) == [
        "Reason: Say why the extension is denied."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "El plazo ya fue ampliado una vez"})
    request.refresh_from_db()
    assert request.status == ExtensionRequestStatus.DENIED
    assignment.refresh_from_db()
    assert assignment.due_on == DUE
    [told] = mail.outbox
    assert told.to == [rosa.person.user.email]
    assert "El plazo ya fue ampliado una vez" in told.body
    assert reverse("lms:extension_requests") in told.body
    history = client.get(reverse("lms_staff:history", args=[rosa.pk])).content.decode()
    assert "Extension of Inducción en integridad to 30/04/2026 requested" in history
    assert (
        "Extension of Inducción en integridad denied: "
        "El plazo ya fue ampliado una vez" in history
    )


def test_hr_cannot_answer_another_units_request(client, hr_b, unit_head_a, assignment):
    request = pending_request(assignment, unit_head_a)
    signed_in(client, hr_b)
    assert (
        client.post(grant_url(request), {"granted_due_on": "2026-04-30"}).status_code
        == 404
    )
    deny = reverse("lms_extension_requests_deny", args=[request.pk])
    assert client.post(deny, {"reason": "No"}).status_code == 404
    request.refresh_from_db()
    assert request.is_pending


def test_a_unit_head_cannot_answer(client, unit_head_a, assignment):
    request = pending_request(assignment, unit_head_a)
    response = signed_in(client, unit_head_a).post(
        grant_url(request), {"granted_due_on": "2026-04-30"}
    )
    assert is_denied(response)
    request.refresh_from_db()
    assert request.is_pending


# The learner's page


def test_the_learner_sees_her_due_date_and_asks_for_herself(
    client, hr_a, rosa, assignment, django_capture_on_commit_callbacks
):
    client.force_login(rosa.person.user)
    url = reverse("lms:extension_requests")
    assert url == "/mi-cuenta/prorrogas/"
    page = client.get(url).content.decode()
    assert "Inducción en integridad" in page and "31/03/2026" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "assignment": assignment.pk,
                "requested_due_on": "2026-04-15",
                "reason": "Descanso médico",
            },
        )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.requested_by == rosa.person.user and request.asked_by_the_person()
    assert [message.to for message in mail.outbox] == [[hr_a.email]]
    page = client.get(url).content.decode()
    assert "Descanso médico" in page
    assert "Esperando la respuesta de RR.HH." in page


def test_a_learner_cannot_ask_for_someone_else(client, rosa, pedros):
    client.force_login(rosa.person.user)
    response = client.post(
        reverse("lms:extension_requests"),
        {"assignment": pedros.pk, "requested_due_on": "2026-04-15", "reason": "X"},
    )
    assert response.status_code == 200
    assert "Elija una de sus capacitaciones pendientes." in response.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("lms:extension_requests"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_learners_page_costs_the_same_queries_for_one_or_many(
    client, rosa, hr_a, course, assignment, django_assert_max_num_queries
):
    client.force_login(rosa.person.user)
    url = reverse("lms:extension_requests")
    pending_request(assignment, hr_a)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    queries_for_one = len(one)
    for _ in range(4):
        TrainingRequirementFactory(course=course)
    sync_assignments(today=TODAY)
    for each in Assignment.objects.filter(staff=rosa).exclude(pk=assignment.pk):
        pending_request(each, rosa.person.user)
    with django_assert_max_num_queries(queries_for_one):
        response = client.get(url)
    assert response.content.decode().count("Licencia médica") == 5
