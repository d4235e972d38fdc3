"""Another attempt after the last one failed: granted by HR in scope or the
integrity officer, with a reason, audited; the learner is told who can help."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import Audience
from lms.learning.assessment import start_attempt
from lms.models import Attempt, Enrolment, ExtraAttempt
from tests.admin_helpers import is_denied, messages_of, signed_in
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    used_every_attempt,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(units, learner):
    """The learner, a staff member of unit A."""
    return StaffMemberFactory(unit=units["a"], person__user=learner)


@pytest.fixture
def stuck(staff, lessons_read) -> Enrolment:
    """The learner has read every lesson and failed every attempt."""
    used_every_attempt(lessons_read, now=timezone.now())
    return lessons_read


def grant_url(staff, enrolment) -> str:
    return reverse("lms_staff_grant_attempt", args=[staff.pk, enrolment.pk])


def test_hr_of_the_unit_grants_one_more_attempt_and_the_learner_can_retry(
    client, hr_a, staff, stuck, caplog, django_capture_on_commit_callbacks
):
    page = signed_in(client, hr_a).get(reverse("lms_staff_detail", args=[staff.pk]))
    assert grant_url(staff, stuck) in page.content.decode()

    with (
        caplog.at_level("INFO", logger="integridad.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            grant_url(staff, stuck), {"reason": "Estuvo con licencia médica"}
        )

    assert response.status_code == 302
    assert messages_of(response) == ["Another attempt granted."]
    grant = ExtraAttempt.objects.get(enrolment=stuck)
    assert (grant.granted_by, grant.reason) == (hr_a, "Estuvo con licencia médica")
    [line] = [
        json.loads(record.getMessage())
        for record in caplog.records
        if "extra_attempt_granted" in record.getMessage()
    ]
    assert (line["user_id"], line["enrolment_id"]) == (hr_a.pk, stuck.pk)
    assert "licencia" not in json.dumps(line)  # free text stays out of the trail
    history = ModelLogEntry.objects.get(action="lms.grant_attempt")
    assert history.data["reason"] == "Estuvo con licencia médica"

    attempt = start_attempt(enrolment=stuck, now=timezone.now())
    assert attempt.number == stuck.course.max_attempts + 1


def test_the_learner_sees_the_attempt_granted(
    learner_client, integrity_officer, staff, stuck, english
):
    url = reverse("lms:assessment", args=[stuck.course_id])
    before = learner_client.get(url).content.decode()
    assert "You have 0 attempts left" in before
    assert "Start the assessment" not in before
    ExtraAttempt.objects.create(
        enrolment=stuck,
        granted_at=timezone.now(),
        granted_by=integrity_officer,
        reason="Caso revisado",
    )
    after = learner_client.get(url).content.decode()
    assert "You have 1 attempt left" in after
    assert "Start the assessment" in after


def test_a_grant_without_a_reason_grants_nothing(client, hr_a, staff, stuck):
    response = signed_in(client, hr_a).post(grant_url(staff, stuck), {"reason": " "})
    assert response.status_code == 302
    assert "Reason" in messages_of(response)[0]
    assert not ExtraAttempt.objects.exists()


def test_no_attempt_is_granted_while_attempts_remain(client, hr_a, staff, stuck):
    Attempt.objects.filter(enrolment=stuck, number=1).delete()
    response = signed_in(client, hr_a).post(grant_url(staff, stuck), {"reason": "x"})
    assert messages_of(response) == ["The person still has attempts left."]
    assert not ExtraAttempt.objects.exists()


def test_the_integrity_officer_grants_for_any_unit(
    client, integrity_officer, staff, stuck
):
    signed_in(client, integrity_officer).post(
        grant_url(staff, stuck), {"reason": "Caso revisado"}
    )
    assert ExtraAttempt.objects.get().granted_by == integrity_officer


def test_hr_of_another_unit_finds_nothing(client, hr_b, staff, stuck):
    response = signed_in(client, hr_b).post(grant_url(staff, stuck), {"reason": "x"})
    assert response.status_code == 404
    assert not ExtraAttempt.objects.exists()


def test_the_unit_head_who_only_reads_is_denied(client, unit_head_a, staff, stuck):
    response = signed_in(client, unit_head_a).post(
        grant_url(staff, stuck), {"reason": "x"}
    )
    assert is_denied(response)
    assert not ExtraAttempt.objects.exists()


def test_the_learner_is_sent_to_sign_in(client, learner, staff, stuck):
    response = signed_in(client, learner).post(grant_url(staff, stuck), {"reason": "x"})
    assert response.url.startswith(reverse("account_login"))
    assert not ExtraAttempt.objects.exists()


def test_the_unit_head_reads_the_page_without_the_grant(
    client, unit_head_a, staff, stuck
):
    page = signed_in(client, unit_head_a).get(
        reverse("lms_staff_detail", args=[staff.pk])
    )
    assert page.status_code == 200
    assert grant_url(staff, stuck) not in page.content.decode()


def test_the_last_failed_result_names_who_can_grant_another_attempt(
    learner_client, hr_a, hr_b, integrity_officer, staff, stuck, english
):
    last = stuck.attempts.order_by("number").last()
    html = learner_client.get(reverse("lms:attempt_result", args=[last.pk]))
    html = html.content.decode()
    assert "You have used all your attempts" in html
    assert "rrhh.a@example.pe" in html and "oii@example.pe" in html
    assert "rrhh.b@example.pe" not in html


def test_a_learner_who_is_not_staff_is_sent_to_the_integrity_office(
    learner_client, hr_a, integrity_officer, lessons_read, english
):
    [*_, last] = used_every_attempt(lessons_read, now=timezone.now())
    html = learner_client.get(reverse("lms:attempt_result", args=[last.pk]))
    html = html.content.decode()
    assert "oii@example.pe" in html
    assert "rrhh.a@example.pe" not in html


@pytest.mark.parametrize("audience", [Audience.CITIZENS, Audience.BUSINESSES])
def test_a_citizen_or_firm_is_told_only_the_integrity_office_grants_attempts(
    learner_client, learner, catalogue, integrity_officer, audience
):
    """Neither has a human resources office to ask: the page says so, in Spanish."""
    PersonFactory(user=learner)
    course = CoursePageFactory(parent=catalogue, audience=audience)
    enrolment = Enrolment.objects.create(user=learner, course=course)
    [*_, last] = used_every_attempt(enrolment, now=timezone.now())
    html = learner_client.get(reverse("lms:attempt_result", args=[last.pk]))
    html = html.content.decode()
    assert (
        "La oficina de integridad del Gobierno Regional puede otorgarle otro intento"
        in html
    )
    assert "Recursos Humanos" not in html
    assert "oii@example.pe" in html
