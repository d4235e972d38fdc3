"""HR reports: who owes which training, who is late, how each unit stands.

Every function starts from a `Scope`, so a report never reaches past the
units the user's roles cover. Counting happens in SQL: a report costs the
same number of queries for 20 people as for 50,000.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import (
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
)
from django.utils.translation import gettext_lazy as _

from lms.cohorts.models import Cohort, Participant
from lms.staff.models import (
    Assignment,
    AssignmentQuerySet,
    Organisation,
    StaffMember,
    TrainingRequirement,
    active_staff_q,
    completed_q,
    overdue_q,
)
from lms.staff.scopes import Scope

NEW_HIRE_DAYS = 30
ROW_RELATIONS = ("staff__person", "staff__unit", "requirement")
# The cohort a completion was earned in, with its trainer: joined, not looked
# up per row.
GROUP_RELATION = "completion__cohort_participant__cohort__trainer__person"
# Asked of the short list of completions earned in groups rather than joined:
# counting a unit's million assignments then joins no completion.
IN_A_GROUP = Q(
    completion__in=Participant.objects.filter(completion__isnull=False).values(
        "completion"
    )
)


class CompletedVia(TextChoices):
    ONLINE = "online", _("Online")
    GROUP = "group", _("In a group")


def completed_via_q(via: str) -> Q:
    """Return a filter on Assignment for those completed `via` (a CompletedVia)."""
    if via == CompletedVia.GROUP:
        return IN_A_GROUP
    return Q(completed_on__isnull=False) & ~IN_A_GROUP


def group_of(assignment: Assignment) -> Cohort | None:
    """Return the trainer's cohort the assignment was completed in, if any."""
    participant = getattr(assignment.completion, "cohort_participant", None)
    return participant.cohort if participant else None


def completed_via(
    completed_on: date | None, *, in_a_group: bool
) -> CompletedVia | None:
    """Return how an assignment was completed; None while it is not."""
    if not completed_on:
        return None
    return CompletedVia.GROUP if in_a_group else CompletedVia.ONLINE


def course_title() -> Subquery:
    """Return the title of an assignment's course, as an annotation.

    The course is read by title alone: its page row carries the question
    bank. A subquery rather than a join, so that the paginator's count reads
    the assignments alone (three joins doubled its time on a million rows)
    and only the rows shown look their title up.
    """
    requirement = TrainingRequirement.objects.filter(pk=OuterRef("requirement"))
    return Subquery(requirement.values("course__title"))


def current_assignments(scope: Scope, *, today: date) -> AssignmentQuerySet:
    """Return the latest cycle of each requirement of each person, with status."""
    return (
        scope.assignments()
        .latest_cycles()
        .with_status(today=today)
        .select_related(*ROW_RELATIONS, GROUP_RELATION)
        .annotate(course_title=course_title())
    )


def overdue_assignments(scope: Scope, *, today: date) -> AssignmentQuerySet:
    """Return the open assignments past their due date, with `overdue_by`."""
    return (
        scope.assignments()
        .overdue(today=today)
        .filter(active_staff_q(today=today, prefix="staff__"))
        .select_related(*ROW_RELATIONS)
        .annotate(
            course_title=course_title(),
            overdue_by=ExpressionWrapper(
                Value(today, output_field=DateField()) - F("due_on"),
                output_field=DurationField(),
            ),
        )
    )


def hired_within(
    staff: QuerySet[StaffMember], *, today: date, days: int = NEW_HIRE_DAYS
) -> QuerySet[StaffMember]:
    """Return the staff hired in the `days` days up to today."""
    return staff.filter(hired_on__gt=today - timedelta(days=days), hired_on__lte=today)


def requirement_field(requirement: TrainingRequirement) -> str:
    return f"requirement_{requirement.pk}"


def with_requirement_statuses(
    staff: QuerySet[StaffMember],
    requirements: Iterable[TrainingRequirement],
    *,
    today: date,
) -> QuerySet[StaffMember]:
    """Annotate each person's status in each requirement (None: not assigned).

    One subquery per requirement keeps the query count fixed; a new hire has
    one or two requirements, an induction among them.
    """
    for requirement in requirements:
        latest = (
            Assignment.objects.filter(staff=OuterRef("pk"), requirement=requirement)
            .latest_cycles()
            .with_status(today=today)
            .values("status")
        )
        staff = staff.annotate(**{requirement_field(requirement): Subquery(latest)})
    return staff


@dataclass(frozen=True)
class UnitCompletion:
    """How a unit and the units under it stand in their mandatory training."""

    unit: Organisation
    depth: int
    assigned: int
    completed: int
    in_groups: int
    on_time: int
    overdue: int

    @property
    def rate(self) -> int | None:
        """Return the completion rate in whole percent, None if none is owed."""
        if not self.assigned:
            return None
        return round(100 * self.completed / self.assigned)

    @property
    def indented_name(self) -> str:
        return "\u2003" * self.depth + self.unit.name


def unit_counts(*, today: date) -> dict[str, Count]:
    """Return the aggregates of completion_by_unit, as of `today`.

    They use the same conditions as `AssignmentQuerySet.with_status`, for the
    three states counted; `in_groups` are the completed ones earned in a
    trainer's cohort. Telling pending from in progress, which needs a
    lookup of enrolments per row, is left out: on 250,000 rows it costs
    seconds and changes no figure here.
    """
    completed = completed_q(today=today)
    return {
        "assigned": Count("pk"),
        "completed": Count("pk", filter=completed),
        "in_groups": Count("pk", filter=completed & IN_A_GROUP),
        "on_time": Count("pk", filter=completed & Q(completed_on__lte=F("due_on"))),
        "overdue": Count("pk", filter=overdue_q(today=today)),
    }


def completion_by_unit(
    assignments: AssignmentQuerySet,
    units: QuerySet[Organisation],
    *,
    today: date,
) -> list[UnitCompletion]:
    """Return each unit's counts over its whole subtree, in tree order.

    SQL counts each unit's own people in one grouped query, by unit id (the
    units' paths are not joined to a million rows); adding up the subtrees
    is then a sum over a few dozen units, not over the staff.
    """
    counts = unit_counts(today=today)
    own = {
        row.pop("staff__unit"): row
        for row in assignments.exclude(waived_at__isnull=False)
        .exclude(closed_on__isnull=False)
        .order_by()
        .values("staff__unit")
        .annotate(**counts)
    }
    units = list(units.order_by("path"))
    top = min((unit.depth for unit in units), default=0)
    rows = []
    for unit in units:
        subtree = [
            own[each.pk]
            for each in units
            if each.pk in own and each.path.startswith(unit.path)
        ]
        totals = {name: sum(row[name] for row in subtree) for name in counts}
        rows.append(UnitCompletion(unit=unit, depth=unit.depth - top, **totals))
    return rows
