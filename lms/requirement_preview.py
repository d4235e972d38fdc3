"""What a training requirement means: in plain words, and in people it assigns.

The admin shows both before a rule is saved, so the integrity officer sees
the effect of a change while it can still be undone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lms.assignments import assignment_due_date
from lms.models import Assignment, Completion, StaffMember, TrainingRequirement


@dataclass(frozen=True)
class Headcount:
    """People a rule would newly assign, and how many of them already meet it."""

    newly_assigned: int
    already_met: int


def example_hire_date(requirement: TrainingRequirement, *, today: date) -> date:
    """Return the hire date the description uses: today, or when the rule starts."""
    return max(today, requirement.applies_from)


def describe(requirement: TrainingRequirement, *, today: date) -> str:
    """Return what the rule asks of someone hired now, with example dates."""
    hired_on = example_hire_date(requirement, today=today)
    due_on = requirement.due_date(hired_on)
    renew_by = requirement.renew_by(due_on)
    dates = {
        "hired_on": short_date(hired_on),
        "due_on": short_date(due_on),
        "renew_by": short_date(renew_by) if renew_by else "",
    }
    if renew_by is None:
        text = _(
            "A person hired on %(hired_on)s must finish by %(due_on)s; "
            "the completion never needs renewing."
        )
    else:
        text = _(
            "A person hired on %(hired_on)s must finish by %(due_on)s "
            "and renew by %(renew_by)s."
        )
    return text % dates


def describe_audience(requirement: TrainingRequirement) -> str:
    """Return who the rule covers, e.g. "Senior officials of CAS in GRDS"."""
    who = (
        _("Senior officials")
        if requirement.senior_officials_only
        else _("Every staff member")
    )
    if requirement.regime:
        who = _("%(who)s under %(regime)s") % {
            "who": who,
            "regime": requirement.get_regime_display(),
        }
    if requirement.organisation_id:
        who = _("%(who)s of %(unit)s and the units under it") % {
            "who": who,
            "unit": requirement.organisation.name,
        }
    return f"{who}."


def headcount(requirement: TrainingRequirement, *, today: date) -> Headcount:
    """Count active staff the rule covers who have no assignment of it yet.

    Only reads: the rule may be unsaved, and nothing is assigned until it is.
    Completions count as the assignment rules count them (`is_met_by` on each
    person's own due date), reading one row per person in one query.
    """
    candidates = StaffMember.objects.active(today=today).filter(requirement.staff_q())
    if requirement.pk:
        assigned = Assignment.objects.filter(
            staff=OuterRef("pk"), requirement=requirement
        )
        candidates = candidates.exclude(Exists(assigned))
    last_completion = (
        Completion.objects.filter(
            enrolment__user__person=OuterRef("person"),
            enrolment__course=requirement.course_id,
        )
        .values("enrolment__user__person")
        .annotate(last=Max("completed_at"))
        .values("last")
    )
    rows = candidates.annotate(last_completed_at=Subquery(last_completion)).only(
        "hired_on", "moved_on"
    )
    newly = met = 0
    for member in rows.iterator(chunk_size=2000):
        newly += 1
        if member.last_completed_at and requirement.is_met_by(
            timezone.localdate(member.last_completed_at),
            due_on=assignment_due_date(member, requirement),
        ):
            met += 1
    return Headcount(newly_assigned=newly, already_met=met)


def short_date(day: date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")
