"""Assigning mandatory training: who owes which course, by when, and renewals.

`sync_assignments` is the one place that creates, completes, reschedules and
closes assignments. Imports, staff edits, rule changes, completions and the
daily run all call it, so the rules below hold whichever event came first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TypeVar

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from lms.learning.models import Completion, renewal_window
from lms.people.models import User
from lms.staff.models import (
    Assignment,
    ClosedReason,
    DueDateExtension,
    StaffMember,
    TrainingRequirement,
)

# Staff handled per round trip: bounds memory and keeps the query count per
# chunk fixed, whether 10 or 50,000 people are synchronised.
CHUNK_SIZE = 2000
T = TypeVar("T")


@dataclass
class SyncResult:
    created: int = 0
    completed: int = 0
    rescheduled: int = 0
    closed: int = 0

    def add(self, other: SyncResult) -> None:
        self.created += other.created
        self.completed += other.completed
        self.rescheduled += other.rescheduled
        self.closed += other.closed


def assignment_due_date(staff: StaffMember, requirement: TrainingRequirement) -> date:
    """Return the first-cycle deadline: N days after joining or the last move."""
    return requirement.due_date(staff.started_on())


def sync_assignments(
    *,
    today: date,
    staff: QuerySet[StaffMember] | Sequence[StaffMember] | None = None,
    requirements: Sequence[TrainingRequirement] | None = None,
) -> SyncResult:
    """Bring assignments in line with staff records, rules and completions.

    `staff` is a QuerySet, read a chunk at a time, or the records a caller has
    just written and still holds (an import), which are not read back.
    """
    if requirements is None:
        requirements = TrainingRequirement.objects.select_related(
            "course", "organisation"
        )
    requirements = list(requirements)
    result = SyncResult()
    if not requirements:
        return result
    for members in _member_chunks(staff):
        with transaction.atomic():
            result.add(_sync_chunk(list(members), requirements, today=today))
    return result


def _member_chunks(
    staff: QuerySet[StaffMember] | Sequence[StaffMember] | None,
) -> Iterator[Iterable[StaffMember]]:
    """Yield the staff a chunk at a time; a QuerySet's chunks read when iterated."""
    if staff is not None and not isinstance(staff, QuerySet):
        yield from _chunks(staff, CHUNK_SIZE)
        return
    ids = (staff if staff is not None else StaffMember.objects.all()).values_list(
        "pk", flat=True
    )
    for chunk in _chunks(ids.order_by("pk").iterator(), CHUNK_SIZE):
        yield StaffMember.objects.filter(pk__in=chunk)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _sync_chunk(
    members: list[StaffMember],
    requirements: list[TrainingRequirement],
    *,
    today: date,
) -> SyncResult:
    staff_ids = [member.pk for member in members]
    latest: dict[tuple[int, int], Assignment] = {}
    for assignment in Assignment.objects.filter(
        staff_id__in=staff_ids, requirement__in=requirements
    ).order_by("cycle"):
        latest[assignment.staff_id, assignment.requirement_id] = assignment
    extended = set(
        DueDateExtension.objects.filter(assignment__staff_id__in=staff_ids).values_list(
            "assignment_id", flat=True
        )
    )
    completions = _latest_completions(members, requirements)
    # Who each rule covers is asked of the database, through the same filter
    # the admin's head count uses, so the rule has one definition.
    chunk = StaffMember.objects.filter(pk__in=staff_ids)
    covered = {
        requirement.pk: set(
            chunk.filter(requirement.staff_q()).values_list("pk", flat=True)
        )
        for requirement in requirements
        if requirement.is_active
    }
    plan = _Plan(today=today, extended=extended)
    for member in members:
        for requirement in requirements:
            completion = completions.get((member.person_id, requirement.course_id))
            plan.reconcile(
                member,
                requirement,
                latest.get((member.pk, requirement.pk)),
                completion,
                applies=member.pk in covered.get(requirement.pk, ())
                and member.is_active(today=today),
            )
    return plan.write()


def _latest_completions(
    members: list[StaffMember], requirements: list[TrainingRequirement]
) -> dict[tuple[int, int], Completion]:
    """Return each person's latest completion of each required course."""
    found: dict[tuple[int, int], Completion] = {}
    rows = (
        Completion.objects.filter(
            enrolment__user__person__in=[member.person_id for member in members],
            enrolment__course__in={req.course_id for req in requirements},
            revoked_at__isnull=True,
        )
        .select_related("enrolment__user__person")
        .only(
            "pk",
            "completed_at",
            "enrolment__course_id",
            "enrolment__user__person__id",
        )
        .order_by("completed_at")
    )
    for completion in rows:
        key = (completion.enrolment.user.person.pk, completion.enrolment.course_id)
        found[key] = completion
    return found


@dataclass
class _Plan:
    """The writes one chunk needs, gathered so they go out in a few queries."""

    today: date
    extended: set[int]

    def __post_init__(self) -> None:
        self.new: list[Assignment] = []
        self.changed: list[Assignment] = []
        self.superseded: list[int] = []
        self.result = SyncResult()

    def reconcile(
        self,
        member: StaffMember,
        requirement: TrainingRequirement,
        latest: Assignment | None,
        completion: Completion | None,
        *,
        applies: bool,
    ) -> None:
        if not applies:
            if latest and latest.is_open:
                self._close(member, latest)
            return
        if latest is None or latest.closed_on:
            due_on = assignment_due_date(member, requirement)
            self._open(member, requirement, latest, due_on, completion)
        elif latest.is_open:
            if not self._complete(latest, requirement, completion):
                self._reschedule(latest, member, requirement)
        elif latest.completed_on:
            self._renew_if_due(member, requirement, latest, completion)

    def _open(self, member, requirement, previous, due_on, completion) -> None:
        """Open the cycle after `previous`, or the first one if None."""
        cycle = 1
        if previous is not None:
            cycle = previous.cycle + 1
            previous.is_latest = False
            if previous.pk is not None:
                self.superseded.append(previous.pk)
        assignment = Assignment(
            staff_id=member.pk,
            requirement_id=requirement.pk,
            cycle=cycle,
            due_on=due_on,
        )
        self.new.append(assignment)
        self.result.created += 1
        # A completion that is already due for renewal opens the next cycle
        # now, so one run leaves nothing for the next run to do.
        if self._complete(assignment, requirement, completion, new=True):
            self._renew_if_due(member, requirement, assignment, completion)

    def _complete(self, assignment, requirement, completion, new=False) -> bool:
        if completion is None:
            return False
        completed_on = timezone.localdate(completion.completed_at)
        if not requirement.is_met_by(completed_on, due_on=assignment.due_on):
            return False
        assignment.completion = completion
        assignment.completed_on = completed_on
        assignment.renew_by = requirement.renew_by(completed_on)
        if not new:
            self.changed.append(assignment)
        self.result.completed += 1
        return True

    def _reschedule(self, assignment, member, requirement) -> None:
        """Follow a changed rule or record, unless HR has set the date by hand."""
        if assignment.cycle != 1 or assignment.pk in self.extended:
            return
        due_on = assignment_due_date(member, requirement)
        if due_on != assignment.due_on:
            assignment.due_on = due_on
            self.changed.append(assignment)
            self.result.rescheduled += 1

    def _renew_if_due(self, member, requirement, latest, completion) -> None:
        renew_by = requirement.renew_by(latest.completed_on)
        if renew_by != latest.renew_by:
            latest.renew_by = renew_by
            self.changed.append(latest)
            self.result.rescheduled += 1
        # As a learner may retake the course (lms.learning.assessment.standing).
        if renew_by and self.today > renew_by - renewal_window():
            self._open(member, requirement, latest, renew_by, completion)

    def _close(self, member, assignment) -> None:
        left = not member.is_active(today=self.today)
        assignment.closed_on = member.left_on if left else self.today
        assignment.closed_reason = (
            ClosedReason.LEFT if left else ClosedReason.NO_LONGER_APPLIES
        )
        self.changed.append(assignment)
        self.result.closed += 1

    def write(self) -> SyncResult:
        # The flag goes first: the database holds one latest cycle per person
        # and requirement (Assignment.Meta.constraints).
        if self.superseded:
            Assignment.objects.filter(pk__in=self.superseded).update(is_latest=False)
        # Another sync racing this one meets the unique constraints and its
        # duplicate rows are skipped rather than failing the whole chunk.
        Assignment.objects.bulk_create(self.new, ignore_conflicts=True)
        Assignment.objects.bulk_update(
            {assignment.pk: assignment for assignment in self.changed}.values(),
            [
                "due_on",
                "completion",
                "completed_on",
                "renew_by",
                "closed_on",
                "closed_reason",
            ],
            batch_size=500,
        )
        return self.result


def sync_for_user(user: User, *, today: date) -> SyncResult:
    """Refresh the assignments of the user's staff record after a completion."""
    return sync_assignments(
        today=today, staff=StaffMember.objects.filter(person__user=user)
    )


class AssignmentError(Exception):
    """A change HR asked for that the rules refuse; the message says why."""


@transaction.atomic
def extend_due_date(
    *, assignment: Assignment, new_due_on: date, reason: str, by: User, now: datetime
) -> DueDateExtension:
    """Move one person's due date later, recording who, when and why."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_open:
        raise AssignmentError(_("Only an open assignment can be extended."))
    if new_due_on <= assignment.due_on:
        raise AssignmentError(_("The new due date must be later than the current one."))
    if not reason.strip():
        raise AssignmentError(_("Say why the due date is extended."))
    extension = DueDateExtension.objects.create(
        assignment=assignment,
        previous_due_on=assignment.due_on,
        new_due_on=new_due_on,
        reason=reason.strip(),
        extended_by=by,
    )
    assignment.due_on = new_due_on
    assignment.save(update_fields=["due_on"])
    return extension


@transaction.atomic
def waive(*, assignment: Assignment, reason: str, by: User, now: datetime) -> None:
    """Exempt one person from one cycle of a requirement, saying why."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not assignment.is_open:
        raise AssignmentError(_("Only an open assignment can be waived."))
    if not reason.strip():
        raise AssignmentError(_("Say why the assignment is waived."))
    assignment.waived_at = now
    assignment.waived_by = by
    assignment.waiver_reason = reason.strip()
    assignment.save(update_fields=["waived_at", "waived_by", "waiver_reason"])


@task()
def refresh_assignments() -> dict:
    """Apply the rules to every staff member, e.g. after a requirement changed."""
    return asdict(sync_assignments(today=timezone.localdate()))
