"""How staff answers learning: completions complete mandatory training, and a
revoked one reopens it.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone

from lms.learning.models import Completion
from lms.learning.signals import completion_revoked, course_completed
from lms.staff.assignments import sync_for_user
from lms.staff.models import Assignment


@receiver(course_completed)
def complete_training(sender, completion: Completion, **kwargs) -> None:
    sync_for_user(
        completion.enrolment.user, today=timezone.localdate(completion.completed_at)
    )


@receiver(completion_revoked)
def reopen_training(sender, completion: Completion, now: datetime, **kwargs) -> None:
    """Open again the assignment the completion had completed.

    Unless a later cycle of it is already open; the rules then run again for
    the person once the revocation commits.
    """
    later_cycle_open = Assignment.objects.open().filter(
        staff=OuterRef("staff"), requirement=OuterRef("requirement")
    )
    Assignment.objects.filter(completion=completion).exclude(
        Exists(later_cycle_open)
    ).update(completion=None, completed_on=None, renew_by=None)
    user = completion.enrolment.user
    transaction.on_commit(lambda: sync_for_user(user, today=timezone.localdate(now)))
