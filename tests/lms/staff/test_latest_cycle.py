"""Each person's latest cycle of each requirement, as reports read it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from lms.models import Assignment
from lms.staff.assignments import sync_assignments
from tests.factories import StaffMemberFactory
from tests.lms.staff.test_assignment_rules import complete

BEFORE_THE_FLAG = [("lms", "0020_assignment_is_latest")]


def cycles(staff) -> list[tuple[int, bool]]:
    """Return (cycle, is_latest) of each of the person's cycles, in order."""
    rows = Assignment.objects.filter(staff=staff).order_by("cycle")
    return list(rows.values_list("cycle", "is_latest"))


@pytest.fixture
def staff(units):
    return StaffMemberFactory(unit=units["a1"], hired_on=date(2026, 3, 1))


@pytest.mark.django_db
class TestOneLatestCycle:
    def test_a_renewal_becomes_the_only_latest_cycle(self, staff, induction):
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2026, 3, 20))
        assert cycles(staff) == [(1, True)]
        sync_assignments(today=date(2028, 3, 1))
        assert cycles(staff) == [(1, False), (2, True)]
        assert list(Assignment.objects.latest_cycles().values_list("cycle")) == [(2,)]

    def test_a_completion_due_for_renewal_opens_both_cycles_at_once(
        self, staff, induction
    ):
        # It meets the first deadline but lapses within the renewal window.
        complete(staff.person, induction.course, date(2024, 5, 1))
        sync_assignments(today=date(2026, 3, 2))
        assert cycles(staff) == [(1, False), (2, True)]

    def test_running_the_rules_again_keeps_one_latest_cycle(self, staff, induction):
        complete(staff.person, induction.course, date(2026, 3, 20))
        sync_assignments(today=date(2028, 3, 1))
        sync_assignments(today=date(2028, 3, 1))
        assert cycles(staff) == [(1, False), (2, True)]

    def test_the_database_refuses_a_second_latest_cycle(self, staff, induction):
        sync_assignments(today=date(2026, 3, 2))
        with pytest.raises(IntegrityError):
            Assignment.objects.create(
                staff=staff, requirement=induction, cycle=2, due_on=date(2026, 4, 1)
            )


# Its rows come back as serialized: the flush after migrating back and forth
# otherwise left content types under other ids than the next tests load.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_marks_every_cycle_a_later_one_supersedes(units, induction):
    staff = StaffMemberFactory(unit=units["a1"])
    other = StaffMemberFactory(unit=units["a1"])
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("lms")
    executor.migrate(BEFORE_THE_FLAG)
    old = executor.loader.project_state(BEFORE_THE_FLAG).apps.get_model(
        "lms", "Assignment"
    )
    for member, count in ((staff, 3), (other, 1)):
        for cycle in range(1, count + 1):
            old.objects.create(
                staff_id=member.pk,
                requirement_id=induction.pk,
                cycle=cycle,
                due_on=date(2026, 3, 31),
                # One cycle open at most: the earlier ones were completed.
                completed_on=date(2026, 3, 20) if cycle < count else None,
            )
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert cycles(staff) == [(1, False), (2, False), (3, True)]
    assert cycles(other) == [(1, True)]
