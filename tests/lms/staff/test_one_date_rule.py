"""One date rule: a certificate's "valid until" is HR's "renew by"; revoked says so."""

from __future__ import annotations

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_for_completion
from certificates.models import RevocationReason
from certificates.revocation import revoke
from courses.models import CoursePage
from lms.models import Assignment, AssignmentStatus, Person
from lms.staff.assignments import sync_assignments
from tests.factories import StaffMemberFactory, UserFactory, completion, with_mfa

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
COMPLETED = datetime(2026, 12, 7, 10, tzinfo=LIMA)
LAST_VALID_DAY = date(2028, 12, 6)


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(COMPLETED, tick=False)


@pytest.fixture
def staff(units, induction):
    """A staff member of unit A, whose course is valid 24 months, as the rule asks."""
    CoursePage.objects.filter(pk=induction.course_id).update(validity_months=24)
    user = with_mfa(UserFactory(email="rosa.staff@example.pe"))
    person = Person.objects.for_user(user)
    return StaffMemberFactory(
        person=person, unit=units["a"], hired_on=date(2026, 12, 1)
    )


@pytest.fixture
def earned(staff, induction):
    course = CoursePage.objects.get(pk=induction.course_id)
    done = completion(staff.person.user, course, at=COMPLETED)
    sync_assignments(today=COMPLETED.date())
    return done


def test_the_certificate_and_hr_give_the_same_last_day(client, staff, earned, hr_a):
    certificate = issue_for_completion(earned)
    assignment = Assignment.objects.get(staff=staff)
    assert certificate.expires_on == LAST_VALID_DAY
    assert assignment.renew_by == LAST_VALID_DAY
    assert earned.valid_until() == LAST_VALID_DAY
    client.force_login(hr_a)
    html = client.get(reverse("lms_staff_detail", args=[staff.pk])).content.decode()
    assert "Renovar hasta el 06/12/2028." in html
    assert "07/12/2028" not in html


def test_the_requirement_is_met_through_the_last_day_and_not_after(staff, earned):
    def status_on(day: date) -> str:
        sync_assignments(today=day)
        first = Assignment.objects.with_status(today=day).get(staff=staff, cycle=1)
        return first.status

    assert status_on(LAST_VALID_DAY) == AssignmentStatus.COMPLETED
    assert status_on(date(2028, 12, 7)) == AssignmentStatus.EXPIRED
    renewal = Assignment.objects.get(staff=staff, cycle=2)
    assert renewal.due_on == LAST_VALID_DAY


def test_a_revoked_completion_says_it_was_revoked_and_when(
    client, staff, earned, integrity_officer, django_capture_on_commit_callbacks
):
    certificate = issue_for_completion(earned)
    with django_capture_on_commit_callbacks(execute=True):
        revoke(
            certificate=certificate,
            reason=RevocationReason.FRAUD,
            by=integrity_officer,
            now=timezone.now(),
        )
    client.force_login(staff.person.user)
    page = client.get(reverse("lms:my_courses")).content.decode()
    assert "Su aprobación fue revocada el 07/12/2026" in page
    assert "venció" not in page


def test_the_migration_moves_stored_dates_to_the_last_valid_day(staff, earned):
    sync_assignments(today=date(2028, 11, 1))  # the renewal cycle opens
    first, renewal = Assignment.objects.filter(staff=staff).order_by("cycle")
    # As they were stored before: the first day the completion no longer counted.
    Assignment.objects.filter(pk=first.pk).update(renew_by=date(2028, 12, 7))
    Assignment.objects.filter(pk=renewal.pk).update(due_on=date(2028, 12, 7))
    migration = importlib.import_module(
        "lms.migrations.0012_date_renewals_by_their_last_valid_day"
    )
    migration.date_renewals_by_their_last_valid_day(apps, None)
    first.refresh_from_db()
    renewal.refresh_from_db()
    assert (first.renew_by, renewal.due_on) == (LAST_VALID_DAY, LAST_VALID_DAY)
