"""Recording and revoking completions, whichever way a course was completed."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from lms.learning.models import Attempt, Completion, Enrolment
from lms.learning.signals import course_completed
from lms.staff.assignments import sync_for_user
from lms.staff.models import Assignment


def record_completion(
    *,
    enrolment: Enrolment,
    score: int,
    now: datetime,
    attempt: Attempt | None = None,
) -> Completion:
    """Record that the learner completed the course, inside the caller's transaction.

    Once the transaction commits, mandatory training is brought up to date
    and `course_completed` is sent, which issues the certificate: the same
    path for an online assessment and for a trainer-led cohort.

    Each follow-up is robust: its failure is logged, never shown to the
    learner, whose completion is already recorded. Each has its recovery:
    the daily `send_reminders` syncs every assignment again, and
    `deliver_pending_certificates` issues the certificates that current
    completions lack.
    """
    completion = Completion.objects.create(
        enrolment=enrolment, attempt=attempt, completed_at=now, score=score
    )
    transaction.on_commit(lambda: _sync(completion), robust=True)
    transaction.on_commit(lambda: _announce(completion), robust=True)
    return completion


def _sync(completion: Completion) -> None:
    sync_for_user(
        completion.enrolment.user, today=timezone.localdate(completion.completed_at)
    )


def _announce(completion: Completion) -> None:
    course_completed.send(sender=Completion, completion=completion)


@transaction.atomic
def revoke_completion(*, completion: Completion, now: datetime) -> None:
    """Make the completion count for nothing, as its revoked certificate does.

    The assignment it had completed opens again (unless a later cycle is
    already open), so HR sees the person must take the course once more.
    """
    revoked = Completion.objects.filter(pk=completion.pk, revoked_at=None).update(
        revoked_at=now
    )
    if not revoked:
        return
    later_cycle_open = Assignment.objects.open().filter(
        staff=OuterRef("staff"), requirement=OuterRef("requirement")
    )
    Assignment.objects.filter(completion=completion).exclude(
        Exists(later_cycle_open)
    ).update(completion=None, completed_on=None, renew_by=None)
    user = completion.enrolment.user
    transaction.on_commit(lambda: sync_for_user(user, today=timezone.localdate(now)))
