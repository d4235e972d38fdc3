"""After a completion commits, HR's training and the certificate follow, each alone.

Learning tells whoever listens (`course_completed`); a listener that fails is
logged and the others still run, so a learner whose completion is recorded
never loses her certificate to a failing HR sync, nor her training to a
failing certificate.
"""

from __future__ import annotations

import logging

import pytest
from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from lms.learning.completions import record_completion
from lms.learning.progress import enrol
from lms.models import Assignment, AssignmentStatus, Person, StaffMember
from tests.factories import StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_learner(units, induction) -> StaffMember:
    user = UserFactory(email="rosa.staff@example.pe")
    return StaffMemberFactory(
        person=Person.objects.for_user(user),
        unit=units["a"],
        hired_on=timezone.localdate(),
    )


def complete(staff: StaffMember, course, capture) -> None:
    enrolment = enrol(user=staff.person.user, course=course)
    with capture(execute=True), transaction.atomic():
        record_completion(enrolment=enrolment, score=90, now=timezone.now())


def training_status(staff: StaffMember) -> str:
    today = timezone.localdate()
    return Assignment.objects.with_status(today=today).get(staff=staff).status


def fail(*args, **kwargs):
    raise RuntimeError("down")


def test_a_completion_completes_the_training_and_issues_the_certificate(
    staff_learner, course, django_capture_on_commit_callbacks
):
    complete(staff_learner, course, django_capture_on_commit_callbacks)

    assert training_status(staff_learner) == AssignmentStatus.COMPLETED
    assert Certificate.objects.filter(person=staff_learner.person).exists()


def test_a_failing_training_sync_still_issues_the_certificate(
    staff_learner, course, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    monkeypatch.setattr("lms.staff.receivers.sync_for_user", fail)

    with caplog.at_level(logging.ERROR, logger="lms.learning.completions"):
        complete(staff_learner, course, django_capture_on_commit_callbacks)

    assert Certificate.objects.filter(person=staff_learner.person).exists()
    assert "complete_training failed after completion" in caplog.text


def test_a_failing_certificate_still_completes_the_training(
    staff_learner, course, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    monkeypatch.setattr("certificates.receivers.issue_earned", fail)

    with caplog.at_level(logging.ERROR, logger="lms.learning.completions"):
        complete(staff_learner, course, django_capture_on_commit_callbacks)

    assert training_status(staff_learner) == AssignmentStatus.COMPLETED
    assert not Certificate.objects.filter(person=staff_learner.person).exists()
    assert "issue_on_completion failed after completion" in caplog.text
