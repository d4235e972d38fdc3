"""What a training requirement means: in plain words, and whose status it changes.

The admin shows both before a rule is saved, so the integrity officer sees
the effect of a change while it can still be undone.
"""

from __future__ import annotations

from collections import Counter
from copy import copy
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from lms.lib.dates import short_date
from lms.staff.assignments import sync_assignments
from lms.staff.models import Assignment, AssignmentStatus, TrainingRequirement


@dataclass(frozen=True)
class StatusChanges:
    """People whose status of a rule saving it would change, by kind of change."""

    newly_assigned: int = 0
    already_met: int = 0  # of the newly assigned, those a completion already meets
    unassigned: int = 0
    newly_overdue: int = 0
    no_longer_overdue: int = 0
    other: int = 0  # any other change of status, e.g. completed to expired

    @property
    def people(self) -> int:
        return (
            self.newly_assigned
            + self.unassigned
            + self.newly_overdue
            + self.no_longer_overdue
            + self.other
        )


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


def status_changes(requirement: TrainingRequirement, *, today: date) -> StatusChanges:
    """Count the people whose status of the rule saving it as it stands would change.

    The save's own rule, `sync_assignments`, applies the rule inside a
    transaction that is then rolled back, so the preview cannot disagree with
    what saving does and nothing is written; the rule may be unsaved.
    Statuses are read before and after as the admin shows them (`with_status`).
    """
    with transaction.atomic():
        before = _statuses(requirement.pk, today=today)
        draft = copy(requirement)
        draft.save()
        sync_assignments(today=today, requirements=[draft])
        after = _statuses(draft.pk, today=today)
        transaction.set_rollback(True)
    return _compare(before, after)


def _statuses(requirement_id: int | None, *, today: date) -> dict[int, str]:
    """Map each person assigned the rule to the status of their latest cycle."""
    if requirement_id is None:
        return {}
    latest = (
        Assignment.objects.filter(requirement_id=requirement_id)
        .latest_cycles()
        .with_status(today=today)
    )
    return dict(latest.values_list("staff_id", "status"))


def _compare(before: dict[int, str], after: dict[int, str]) -> StatusChanges:
    counts: Counter[str] = Counter()
    gone = {None, AssignmentStatus.CLOSED}
    for staff_id in before.keys() | after.keys():
        old, new = before.get(staff_id), after.get(staff_id)
        if old == new:
            continue
        if old in gone:
            counts["newly_assigned"] += 1
            counts["already_met"] += new == AssignmentStatus.COMPLETED
        elif new in gone:
            counts["unassigned"] += 1
        elif new == AssignmentStatus.OVERDUE:
            counts["newly_overdue"] += 1
        elif old == AssignmentStatus.OVERDUE:
            counts["no_longer_overdue"] += 1
        else:
            counts["other"] += 1
    return StatusChanges(**counts)
