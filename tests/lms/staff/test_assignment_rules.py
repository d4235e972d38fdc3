"""Due dates, completion, renewal, rehire, transfer and waivers of assignments."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.models import (
    Assignment,
    AssignmentStatus,
    ClosedReason,
    Completion,
    Enrolment,
    Person,
    Regime,
)
from lms.staff.assignments import (
    AssignmentError,
    assignment_due_date,
    extend_due_date,
    sync_assignments,
    waive,
)
from tests.factories import (
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
)

LIMA = ZoneInfo("America/Lima")


def status(assignment: Assignment, today: date) -> str:
    return Assignment.objects.with_status(today=today).get(pk=assignment.pk).status


def complete(person: Person, course, on: date) -> Completion:
    """Record that `person` passed `course` on `on`, as an online attempt would."""
    if person.user is None:
        person.user = UserFactory(email=f"{person.document_number}@example.pe")
        person.save(update_fields=["user"])
    enrolment, _ = Enrolment.objects.get_or_create(user=person.user, course=course)
    return Completion.objects.create(
        enrolment=enrolment,
        completed_at=datetime(on.year, on.month, on.day, 10, tzinfo=LIMA),
        score=90,
    )


@pytest.fixture
def staff(units):
    return StaffMemberFactory(unit=units["a1"], hired_on=date(2026, 3, 1))


def only_assignment(staff) -> Assignment:
    return Assignment.objects.get(staff=staff)


@pytest.mark.django_db
class TestDueDates:
    def test_a_new_hire_is_due_the_given_days_after_joining(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        assert only_assignment(staff).due_on == date(2026, 3, 31)

    def test_someone_hired_before_the_rule_counts_from_the_rule(self, units, induction):
        veteran = StaffMemberFactory(unit=units["a"], hired_on=date(2012, 5, 4))
        sync_assignments(today=date(2026, 3, 2))
        assert only_assignment(veteran).due_on == date(2026, 1, 31)

    def test_a_leap_day_hire_adds_calendar_days(self, units, course):
        TrainingRequirementFactory(
            course=course, due_days=30, applies_from=date(2028, 1, 1)
        )
        member = StaffMemberFactory(unit=units["a"], hired_on=date(2028, 2, 29))
        sync_assignments(today=date(2028, 3, 1))
        assert only_assignment(member).due_on == date(2028, 3, 30)

    def test_status_moves_from_pending_to_in_progress_to_overdue(
        self, staff, induction
    ):
        sync_assignments(today=date(2026, 3, 2))
        assignment = only_assignment(staff)
        assert status(assignment, date(2026, 3, 2)) == AssignmentStatus.PENDING
        staff.person.user = UserFactory()
        staff.person.save()
        Enrolment.objects.create(user=staff.person.user, course=induction.course)
        assert status(assignment, date(2026, 3, 31)) == AssignmentStatus.IN_PROGRESS
        assert status(assignment, date(2026, 4, 1)) == AssignmentStatus.OVERDUE

    def test_a_rule_change_moves_open_due_dates(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        induction.due_days = 60
        induction.save()
        result = sync_assignments(today=date(2026, 3, 2))
        assert result.rescheduled == 1
        assert only_assignment(staff).due_on == date(2026, 4, 30)

    def test_a_second_sync_changes_nothing(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        again = sync_assignments(today=date(2026, 3, 2))
        assert (again.created, again.rescheduled, again.closed) == (0, 0, 0)


@pytest.mark.django_db
class TestAudience:
    def test_senior_official_rules_skip_other_staff(self, units, course, staff):
        governor = StaffMemberFactory(
            unit=units["root"], is_senior_official=True, regime=Regime.OTHER
        )
        TrainingRequirementFactory(course=course, senior_officials_only=True)
        sync_assignments(today=date(2026, 3, 2))
        assert list(Assignment.objects.values_list("staff", flat=True)) == [governor.pk]

    def test_unit_rules_cover_the_subtree_only(self, units, course, staff):
        outsider = StaffMemberFactory(unit=units["b"])
        TrainingRequirementFactory(course=course, organisation=units["a"])
        sync_assignments(today=date(2026, 3, 2))
        assert Assignment.objects.filter(staff=staff).exists()
        assert not Assignment.objects.filter(staff=outsider).exists()

    def test_regime_rules_cover_that_regime_only(self, units, course, staff):
        TrainingRequirementFactory(course=course, regime=Regime.DL276)
        sync_assignments(today=date(2026, 3, 2))
        assert not Assignment.objects.exists()


@pytest.mark.django_db
class TestCompletionAndRenewal:
    def test_a_completion_completes_the_assignment(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        assignment = only_assignment(staff)
        assert status(assignment, date(2026, 3, 20)) == AssignmentStatus.COMPLETED
        assert assignment.renew_by == date(2028, 3, 19)  # the last day it counts
        assert assignment.completed_on == date(2026, 3, 20) <= assignment.due_on

    def test_the_renewal_cycle_opens_within_the_window_before_renew_by(
        self, staff, induction, settings
    ):
        settings.RENEWAL_WINDOW_DAYS = 60
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        sync_assignments(today=date(2028, 1, 19))
        assert Assignment.objects.filter(staff=staff).count() == 1
        sync_assignments(today=date(2028, 1, 20))
        renewal = Assignment.objects.get(staff=staff, cycle=2)
        assert renewal.due_on == date(2028, 3, 19)
        assert status(renewal, date(2028, 1, 20)) == AssignmentStatus.PENDING

    def test_the_old_cycle_shows_expired_and_the_renewal_overdue_after_renew_by(
        self, staff, induction
    ):
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        sync_assignments(today=date(2028, 3, 21))
        first, renewal = Assignment.objects.filter(staff=staff).order_by("cycle")
        assert status(first, date(2028, 3, 21)) == AssignmentStatus.EXPIRED
        assert status(renewal, date(2028, 3, 21)) == AssignmentStatus.OVERDUE

    def test_an_early_renewal_inside_the_window_completes_the_next_cycle(
        self, staff, induction
    ):
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        sync_assignments(today=date(2028, 2, 1))
        complete(staff.person, induction.course, date(2028, 2, 10))
        sync_assignments(today=date(2028, 2, 10))
        renewal = Assignment.objects.get(staff=staff, cycle=2)
        assert renewal.completed_on == date(2028, 2, 10)
        assert renewal.renew_by == date(2030, 2, 9)

    def test_a_rule_without_renewal_never_expires(self, staff, course):
        TrainingRequirementFactory(course=course, recertify_months=None)
        complete(staff.person, course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        sync_assignments(today=date(2040, 1, 1))
        assert status(only_assignment(staff), date(2040, 1, 1)) == "completed"


@pytest.mark.django_db
class TestLeaversRehiresAndTransfers:
    def test_a_leaver_keeps_history_and_open_assignments_close(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        staff.left_on = date(2026, 3, 10)
        staff.save()
        sync_assignments(today=date(2026, 3, 11))
        assignment = only_assignment(staff)
        assert (assignment.closed_on, assignment.closed_reason) == (
            date(2026, 3, 10),
            ClosedReason.LEFT,
        )
        assert status(assignment, date(2026, 3, 11)) == AssignmentStatus.CLOSED

    def test_a_rehire_with_a_valid_completion_is_not_asked_again(
        self, staff, induction
    ):
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        staff.left_on = date(2026, 6, 30)
        staff.save()
        sync_assignments(today=date(2026, 7, 1))
        staff.left_on, staff.hired_on = None, date(2027, 1, 4)
        staff.save()
        sync_assignments(today=date(2027, 1, 4))
        assert not Assignment.objects.open().exists()

    def test_a_rehire_after_a_closed_assignment_gets_a_new_cycle(
        self, staff, induction
    ):
        sync_assignments(today=date(2026, 3, 2))
        staff.left_on = date(2026, 3, 10)
        staff.save()
        sync_assignments(today=date(2026, 3, 11))
        staff.left_on, staff.hired_on = None, date(2026, 9, 1)
        staff.save()
        sync_assignments(today=date(2026, 9, 1))
        reopened = Assignment.objects.open().get()
        assert (reopened.cycle, reopened.due_on) == (2, date(2026, 10, 1))
        # The closed cycle is no longer the latest: reports count the new one.
        assert list(
            Assignment.objects.filter(staff=staff)
            .order_by("cycle")
            .values_list("cycle", "is_latest")
        ) == [(1, False), (2, True)]

    def test_an_expired_completion_does_not_spare_a_rehire(self, staff, induction):
        complete(staff.person, induction.course, date(2020, 3, 20))
        staff.hired_on = date(2026, 3, 1)
        staff.save()
        sync_assignments(today=date(2026, 3, 2))
        assert only_assignment(staff).is_open

    def test_a_transfer_into_a_unit_rule_counts_from_the_move(self, units, course):
        rule = TrainingRequirementFactory(course=course, organisation=units["b"])
        member = StaffMemberFactory(unit=units["a"], hired_on=date(2015, 1, 5))
        member.unit, member.moved_on = units["b"], date(2026, 5, 4)
        member.save()
        sync_assignments(today=date(2026, 5, 4))
        assert only_assignment(member).due_on == date(2026, 6, 3)
        assert assignment_due_date(member, rule) == date(2026, 6, 3)

    def test_a_transfer_out_of_a_unit_rule_closes_it(self, units, course, staff):
        TrainingRequirementFactory(course=course, organisation=units["a"])
        sync_assignments(today=date(2026, 3, 2))
        staff.unit = units["b"]
        staff.save()
        sync_assignments(today=date(2026, 3, 5))
        assert only_assignment(staff).closed_reason == ClosedReason.NO_LONGER_APPLIES


@pytest.mark.django_db
class TestExtensionsAndWaivers:
    NOW = datetime(2026, 3, 5, 9, tzinfo=LIMA)

    def test_an_extension_moves_the_date_and_survives_a_sync(
        self, staff, induction, hr_a
    ):
        sync_assignments(today=date(2026, 3, 2))
        assignment = only_assignment(staff)
        extension = extend_due_date(
            assignment=assignment,
            new_due_on=date(2026, 4, 30),
            reason="Licencia por maternidad",
            by=hr_a,
            now=self.NOW,
        )
        sync_assignments(today=date(2026, 3, 6))
        assert only_assignment(staff).due_on == date(2026, 4, 30)
        assert (extension.previous_due_on, extension.extended_by) == (
            date(2026, 3, 31),
            hr_a,
        )

    @pytest.mark.parametrize(
        ("new_due_on", "reason"),
        [(date(2026, 3, 1), "Motivo"), (date(2026, 4, 30), "  ")],
    )
    def test_an_extension_needs_a_later_date_and_a_reason(
        self, staff, induction, hr_a, new_due_on, reason
    ):
        sync_assignments(today=date(2026, 3, 2))
        with pytest.raises(AssignmentError):
            extend_due_date(
                assignment=only_assignment(staff),
                new_due_on=new_due_on,
                reason=reason,
                by=hr_a,
                now=self.NOW,
            )
        assert only_assignment(staff).due_on == date(2026, 3, 31)

    def test_a_waived_assignment_is_never_overdue_nor_reopened(
        self, staff, induction, hr_a
    ):
        sync_assignments(today=date(2026, 3, 2))
        waive(
            assignment=only_assignment(staff),
            reason="Destacado fuera del país",
            by=hr_a,
            now=self.NOW,
        )
        sync_assignments(today=date(2026, 5, 1))
        assignment = only_assignment(staff)
        assert status(assignment, date(2026, 5, 1)) == AssignmentStatus.WAIVED
        assert (assignment.waived_by, assignment.waiver_reason) == (
            hr_a,
            "Destacado fuera del país",
        )

    def test_a_closed_assignment_cannot_be_waived(self, staff, induction, hr_a):
        sync_assignments(today=date(2026, 3, 2))
        complete(staff.person, induction.course, date(2026, 3, 3))
        sync_assignments(today=date(2026, 3, 3))
        with pytest.raises(AssignmentError):
            waive(assignment=only_assignment(staff), reason="x", by=hr_a, now=self.NOW)


@pytest.mark.django_db
def test_one_sync_opens_the_renewal_of_an_old_completion_at_once(staff, induction):
    complete(staff.person, induction.course, date(2024, 3, 20))
    staff.hired_on = date(2022, 12, 1)
    staff.save()
    first = sync_assignments(today=date(2026, 3, 2))
    second = sync_assignments(today=date(2026, 3, 2))
    assert (first.created, second.created) == (2, 0)
    renewal = Assignment.objects.get(staff=staff, cycle=2)
    assert (renewal.due_on, renewal.is_open) == (date(2026, 3, 19), True)


@pytest.mark.django_db
def test_records_in_hand_are_synchronised_as_they_are_without_reading_them_back(
    units, staff, induction
):
    """An import hands over the records it has just written, completions and all."""
    complete(staff.person, induction.course, date(2026, 3, 10))
    newcomer = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    with CaptureQueriesContext(connection) as queries:
        result = sync_assignments(today=date(2026, 3, 20), staff=[staff, newcomer])
    assert (result.created, result.completed) == (2, 1)
    assert only_assignment(staff).completed_on == date(2026, 3, 10)
    assert only_assignment(newcomer).due_on == date(2026, 3, 31)
    read_back = [q for q in queries.captured_queries if "hired_on" in q["sql"]]
    assert read_back == []
