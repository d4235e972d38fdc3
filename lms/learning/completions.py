"""Recording and revoking completions, whichever way a course was completed."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from lms.learning.models import Attempt, Completion, Enrolment
from lms.learning.signals import completion_revoked, course_completed

logger = logging.getLogger(__name__)


def record_completion(
    *,
    enrolment: Enrolment,
    score: int,
    now: datetime,
    attempt: Attempt | None = None,
) -> Completion:
    """Record that the learner completed the course, inside the caller's transaction.

    Once the transaction commits, `course_completed` is sent: staff brings
    mandatory training up to date and certificates issues the certificate,
    the same path for an online assessment and for a trainer-led cohort.

    Each follow-up is robust: its failure is logged, never shown to the
    learner, whose completion is already recorded. Each has its recovery:
    the daily `send_reminders` syncs every assignment again, and
    `deliver_pending_certificates` issues the certificates that current
    completions lack.
    """
    completion = Completion.objects.create(
        enrolment=enrolment, attempt=attempt, completed_at=now, score=score
    )
    transaction.on_commit(lambda: _announce(completion), robust=True)
    return completion


def _announce(completion: Completion) -> None:
    """Tell each receiver; one that fails is logged, the others still run."""
    answers = course_completed.send_robust(sender=Completion, completion=completion)
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            logger.error(
                "%s failed after completion %s",
                getattr(receiver, "__qualname__", receiver),
                completion.pk,
                exc_info=answer,
            )


@transaction.atomic
def revoke_completion(*, completion: Completion, now: datetime) -> None:
    """Make the completion count for nothing, as its revoked certificate does.

    Receivers of `completion_revoked` undo what it counted for: the
    assignment it had completed opens again, so HR sees the person must take
    the course once more.
    """
    revoked = Completion.objects.filter(pk=completion.pk, revoked_at=None).update(
        revoked_at=now
    )
    if revoked:
        completion_revoked.send(sender=Completion, completion=completion, now=now)
