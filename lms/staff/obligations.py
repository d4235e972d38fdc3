"""What a person's training requirements ask of them, as their home page shows it.

The statuses are HR's (`Assignment.with_status`) and "due soon" is the
window in which reminders go out (`lms.staff.reminders.reminder_owed`), so the
learner, HR's reports and the e-mails always agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.translation import pgettext_lazy

from courses.models import CoursePage
from lms.learning.models import Enrolment
from lms.people.models import User
from lms.staff.models import Assignment, AssignmentStatus
from lms.staff.reminders import reminder_owed


class ObligationStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("requirement status", "Pending")
    DUE_SOON = "due_soon", pgettext_lazy("requirement status", "Due soon")
    OVERDUE = "overdue", pgettext_lazy("requirement status", "Overdue")
    MET = "met", pgettext_lazy("requirement status", "Met")


# Overdue first, then what falls due soonest; what is met goes last.
ORDER = [
    ObligationStatus.OVERDUE,
    ObligationStatus.DUE_SOON,
    ObligationStatus.PENDING,
    ObligationStatus.MET,
]


@dataclass(frozen=True)
class Obligation:
    """One requirement a person must meet: its latest cycle and where they are."""

    assignment: Assignment
    status: ObligationStatus
    enrolment: Enrolment | None

    @property
    def course(self) -> CoursePage:
        return self.assignment.requirement.course

    @property
    def due_on(self) -> date | None:
        """Return the date that matters now: the deadline, or the renewal's once met."""
        if self.status == ObligationStatus.MET:
            return self.assignment.renew_by
        return self.assignment.due_on

    @property
    def is_renewal(self) -> bool:
        return self.assignment.cycle > 1

    @property
    def is_open(self) -> bool:
        return self.status != ObligationStatus.MET


def obligation_status(
    assignment_status: str, due_on: date, *, today: date
) -> ObligationStatus:
    """Return the learner's word for HR's status of an assignment's latest cycle."""
    if assignment_status == AssignmentStatus.COMPLETED:
        return ObligationStatus.MET
    if assignment_status in (AssignmentStatus.OVERDUE, AssignmentStatus.EXPIRED):
        return ObligationStatus.OVERDUE
    if reminder_owed(due_on, today=today):
        return ObligationStatus.DUE_SOON
    return ObligationStatus.PENDING


def obligations_for(
    user: User, *, today: date, enrolments: Mapping[int, Enrolment]
) -> list[Obligation]:
    """Return the user's requirements in one query, most urgent first.

    Whether enrolled or not: `enrolments` (by course id) are the user's own,
    already fetched by the caller. Waived and closed cycles ask nothing.
    """
    assignments = (
        Assignment.objects.filter(staff__person__user=user)
        .latest_cycles()
        .with_status(today=today)
        .exclude(status__in=[AssignmentStatus.WAIVED, AssignmentStatus.CLOSED])
        .select_related("requirement__course")
        .defer("requirement__course__question_bank")
    )
    found = [
        Obligation(
            assignment,
            obligation_status(assignment.status, assignment.due_on, today=today),
            enrolments.get(assignment.requirement.course_id),
        )
        for assignment in assignments
    ]
    found.sort(key=lambda each: (ORDER.index(each.status), each.due_on or date.max))
    return found
