"""A large staff for benchmarks: a unit tree, people, staff and assignments.

People, staff records and assignments go in with PostgreSQL's COPY, which
loads 250,000 people and their 1.4 million assignments in about a minute; the
unit tree, the courses and the requirements, a few dozen rows, go through the
ORM.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page

from courses.models import TitleForm
from lms.learning.models import renewal_window
from lms.models import (
    Assignment,
    Organisation,
    OrganisationKind,
    Person,
    Regime,
    StaffMember,
    TrainingRequirement,
    User,
)
from tests.factories import (
    CataloguePageFactory,
    CoursePageFactory,
    TrainingRequirementFactory,
    UserFactory,
    organisation,
)


@contextmanager
def rolled_back():
    """Run the block in a transaction that is always rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# The staff benchmarks' clock (frozen by tests/benchmarks/conftest.py's `frozen`).
NOW = datetime(2026, 5, 1, 9, tzinfo=ZoneInfo("America/Lima"))
# Hire dates cycle over this many days before today: about 3 % of the staff
# are new hires of the last 30 days.
HIRE_SPREAD_DAYS = 1000
REGIMES = [regime.value for regime in Regime]


@dataclass(frozen=True)
class StaffData:
    units: list[Organisation]
    requirements: list[TrainingRequirement]
    waiver_author: User
    staff: int
    assignments: int

    @property
    def description(self) -> str:
        return (
            f"{self.staff:,} staff in {len(self.units)} units, "
            f"{self.assignments:,} assignments over {len(self.requirements)} "
            "requirements"
        )


def build_units(branches: int = 4, per_branch: int = 4) -> list[Organisation]:
    """Return a 3-level tree: the government, `branches` units, and their sub-units."""
    root = organisation("BGRC", "Gobierno Regional", kind=OrganisationKind.GOVERNMENT)
    units = [root]
    for branch in range(branches):
        middle = organisation(f"B{branch}", f"Gerencia {branch}", root)
        units.append(middle)
        units += [
            organisation(f"B{branch}.{leaf}", f"Oficina {branch}.{leaf}", middle)
            for leaf in range(per_branch)
        ]
    return units


def build_requirements(count: int) -> list[TrainingRequirement]:
    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="bench")
    return [
        TrainingRequirementFactory(
            name=f"Requisito {number}",
            course=CoursePageFactory(parent=catalogue, title=f"Curso {number}"),
            applies_from=date(2020, 1, 1),
        )
        for number in range(count)
    ]


def build_staff_data(*, staff: int, requirements: int = 5, today: date) -> StaffData:
    """Load `staff` people spread over a unit tree, each owing every requirement.

    Assignment states cycle per person and requirement: completed on time,
    completed late, overdue, pending, waived and closed for leavers. A
    completion whose renewal is due has its second cycle, as
    `sync_assignments` opens it: about one person in ten has one.
    """
    units = build_units()
    rules = build_requirements(requirements)
    author = UserFactory(email="bench.waiver@example.pe")
    first = next_id(Person)
    staff_first = next_id(StaffMember)
    now = timezone.now()
    copy(
        Person,
        ["id", "document_type", "document_number", "first_names", "last_names"]
        + ["title_form"],
        (
            (first + n, "1", f"{10_000_000 + n}", "Persona", f"Apellido {n:06d}")
            + (TitleForm.NEUTRAL,)
            for n in range(staff)
        ),
    )
    copy(
        StaffMember,
        ["id", "person_id", "email", "unit_id", "post", "regime"]
        + ["is_senior_official", "hired_on", "left_on", "updated_at"],
        (
            staff_row(n, staff_first, first, units, today=today, now=now)
            for n in range(staff)
        ),
    )
    assignments = copy(
        Assignment,
        ["staff_id", "requirement_id", "cycle", "due_on", "completed_on"]
        + ["renew_by", "waived_at", "waived_by_id", "waiver_reason", "closed_on"]
        + ["closed_reason", "created_at", "is_latest"],
        assignment_rows(staff, staff_first, rules, author, today=today, now=now),
    )
    for model in (Person, StaffMember, Assignment):
        reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return StaffData(units, rules, author, staff, assignments)


def staff_row(n, staff_first, first, units, *, today: date, now: datetime) -> tuple:
    hired_on = today - timedelta(days=n % HIRE_SPREAD_DAYS)
    # One in fifty has left: their open cycles are closed.
    left_on = today - timedelta(days=1) if n % 50 == 49 else None
    unit = units[1 + n % (len(units) - 1)]  # nobody works at the root itself
    regime = REGIMES[n % len(REGIMES)]
    return (
        staff_first + n,
        first + n,
        "",
        unit.pk,
        "Especialista",
        regime,
        n % 40 == 0,
        hired_on,
        left_on if left_on and left_on >= hired_on else None,
        now,
    )


def assignment_rows(
    staff: int,
    staff_first: int,
    rules: list[TrainingRequirement],
    author: User,
    *,
    today: date,
    now: datetime,
) -> Iterator[tuple]:
    renewals_open_by = today + renewal_window()
    for n in range(staff):
        hired_on = today - timedelta(days=n % HIRE_SPREAD_DAYS)
        due_on = hired_on + timedelta(days=30)
        # Leavers' open cycles are closed (see staff_row).
        closed_on = today - timedelta(days=1) if n % 50 == 49 else None
        for rule in rules:
            state = (n + rule.pk) % 10
            cycle = Cycle(staff_first + n, rule.pk, 1, due_on, created_at=now)
            if state < 4:  # completed, on time or late
                completed_on = due_on + timedelta(days=-5 if state % 2 else 5)
                renew_by = completed_on + timedelta(days=730)
                renewed = renew_by < renewals_open_by
                yield cycle.row(
                    completed_on=completed_on, renew_by=renew_by, latest=not renewed
                )
                if renewed:
                    renewal = Cycle(cycle.staff, rule.pk, 2, renew_by, created_at=now)
                    yield renewal.row(closed_on=closed_on)
            elif state == 8:
                yield cycle.row(waived_at=now, waived_by=author)
            else:
                yield cycle.row(closed_on=closed_on)


@dataclass(frozen=True)
class Cycle:
    """An assignment row as `build_staff_data` copies it."""

    staff: int
    requirement: int
    number: int
    due_on: date
    created_at: datetime

    def row(
        self,
        *,
        completed_on: date | None = None,
        renew_by: date | None = None,
        waived_at: datetime | None = None,
        waived_by: User | None = None,
        closed_on: date | None = None,
        latest: bool = True,
    ) -> tuple:
        return (
            self.staff,
            self.requirement,
            self.number,
            self.due_on,
            completed_on,
            renew_by,
            waived_at,
            waived_by.pk if waived_by else None,
            "Licencia" if waived_by else "",
            closed_on,
            "left" if closed_on else "",
            self.created_at,
            latest,
        )


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")
        return cursor.fetchone()[0]


def copy(model, columns: list[str], rows) -> int:
    """Stream `rows` into the model's table with COPY; return how many."""
    table = model._meta.db_table
    written = 0
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                written += 1
    return written


def reset_sequence(model) -> None:
    """Move the id sequence past the ids COPY wrote by hand."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT MAX(id) FROM {table}))"
        )
