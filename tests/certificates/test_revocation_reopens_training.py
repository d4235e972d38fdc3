"""A revoked certificate stops counting: its completion meets no requirement."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from certificates.issuance import issue_for_completion
from certificates.models import RevocationReason
from certificates.revocation import revoke
from lms.models import Assignment, AssignmentStatus, Person
from lms.staff.assignments import sync_assignments
from tests.factories import StaffMemberFactory, UserFactory, completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_learner(units, induction):
    user = UserFactory(email="rosa.staff@example.pe")
    person = Person.objects.for_user(user)
    return StaffMemberFactory(
        person=person, unit=units["a"], hired_on=timezone.localdate()
    )


def status_of(staff, today: date) -> str:
    assignment = Assignment.objects.with_status(today=today).get(staff=staff)
    return assignment.status


def test_revoking_the_certificate_reopens_the_requirement_it_met(
    staff_learner, course, integrity_officer, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    earned = completion(staff_learner.person.user, course, at=timezone.now())
    sync_assignments(today=today)
    certificate = issue_for_completion(earned)
    assert status_of(staff_learner, today) == AssignmentStatus.COMPLETED

    with django_capture_on_commit_callbacks(execute=True):
        revoke(
            certificate=certificate,
            reason=RevocationReason.FRAUD,
            by=integrity_officer,
            now=timezone.now(),
        )

    earned.refresh_from_db()
    assert earned.revoked_at is not None
    assert not earned.is_current(today=today)
    assert status_of(staff_learner, today) == AssignmentStatus.IN_PROGRESS
    # A later run of the daily sync does not count the revoked completion again.
    sync_assignments(today=today + timedelta(days=1))
    assert status_of(staff_learner, today) == AssignmentStatus.IN_PROGRESS


def test_a_revoked_qualification_makes_the_trainer_uncertified(
    trainer, integrity_officer
):
    today = timezone.localdate()
    certificate = issue_for_completion(trainer.qualification)
    assert trainer.is_valid_on(today)

    revoke(
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=integrity_officer,
        now=timezone.now(),
    )

    assert not trainer.is_valid_on(today)
