"""The cohort's completion rule: enough sessions attended and a passing test.

Attendance is counted here once, for the rule and for every page that shows
it; a participant who meets the course's rule is completed through the same
path as online learning: `lms.learning.completions.record_completion`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cohorts.models import Attendance, Cohort, CohortSession, Participant
from lms.learning.assessment import standing
from lms.learning.completions import record_completion
from lms.learning.models import Attempt, Completion


def trainer_refusal(cohort: Cohort, *, today: date) -> str | None:
    """Return why nothing may be recorded for the cohort today, or None.

    Its trainer vouches for what is recorded, and her name goes on the
    certificates it earns: she must be a certified trainer today. Every
    save checks it first; the trainer's pages let her in only then
    (`lms.cohorts.views.trainer_required`).
    """
    if not cohort.trainer.is_valid_on(today):
        return _(
            "This cohort's trainer is not a certified trainer today, so "
            "nothing more can be recorded for it."
        )
    return None


@transaction.atomic
def evaluate_cohort(*, cohort: Cohort, now: datetime) -> list[Completion]:
    """Complete every participant who now meets the course's rule; return them.

    The rule: present at no fewer than `course.cohort_attendance_percent` %
    of the cohort's sessions, and the assessment passed, on paper (a score at
    or above the pass mark) or online (a passed attempt not yet counted by a
    completion). The better of the two is the completion's score.

    A participant whose enrolment already holds a current completion, from
    online learning or another cohort, gets no second one, as a learner
    online may not take the assessment again: the course is completed and
    certified, and the participant's own completion stays empty. Within the
    renewal window, the cohort's completion renews it, as a retake would.

    Participants are locked first, so two saves at once never complete
    anyone twice. Marks corrected after a completion do not undo it: a
    completion is revoked only with its certificate.

    A cohort whose trainer may not act today (withdrawn, or lapsed) completes
    nobody: its certificates would name her. Its participants continue
    online like any learner (`lms.learning.assessment`).
    """
    if trainer_refusal(cohort, today=timezone.localdate(now)):
        return []
    course = cohort.course
    waiting = (
        Participant.objects.filter(cohort=cohort, completion=None)
        .select_for_update(of=("self",), no_key=True)
        .select_related("enrolment")
        .order_by("pk")
    )
    candidates = [
        participant
        for participant in with_attendance(waiting, cohort=cohort)
        if participant.attendance_met
    ]
    if not candidates:
        return []
    enrolments = [participant.enrolment_id for participant in candidates]
    passed_online = _passed_attempts(enrolments)
    completions = _completions(enrolments)
    today = timezone.localdate(now)
    completed = []
    for participant in candidates:
        where = standing(completions[participant.enrolment_id], [], today=today)
        if where.current and not where.renewable:
            continue
        result = _best_result(
            participant, passed_online.get(participant.enrolment_id), course.pass_mark
        )
        if result is None:
            continue
        score, attempt = result
        participant.enrolment.course = course  # already at hand: spare a query
        completion = record_completion(
            enrolment=participant.enrolment, score=score, attempt=attempt, now=now
        )
        participant.completion = completion
        participant.save(update_fields=["completion"])
        completed.append(completion)
    return completed


def _passed_attempts(enrolments: list[int]) -> dict[int, Attempt]:
    """Return each enrolment's latest passed attempt that no completion counts."""
    counted = Completion.objects.filter(attempt=OuterRef("pk"))
    attempts = (
        Attempt.objects.filter(enrolment__in=enrolments, passed=True)
        .exclude(Exists(counted))
        .order_by("started_at")
    )
    return {attempt.enrolment_id: attempt for attempt in attempts}


def _completions(enrolments: list[int]) -> dict[int, list[Completion]]:
    """Return each enrolment's completions in the order they happened."""
    by_enrolment = defaultdict(list)
    for completion in (
        Completion.objects.filter(enrolment__in=enrolments)
        .select_related("enrolment__course")
        .order_by("completed_at")
    ):
        by_enrolment[completion.enrolment_id].append(completion)
    return by_enrolment


def _best_result(
    participant: Participant, attempt: Attempt | None, pass_mark: int
) -> tuple[int, Attempt | None] | None:
    """Return the best passing (score, attempt) of paper and online, or None."""
    results = []
    if participant.paper_score is not None and participant.paper_score >= pass_mark:
        results.append((participant.paper_score, None))
    if attempt is not None:
        results.append((attempt.score, attempt))
    # On a tie the online attempt wins: the completion then points to it.
    return max(results, key=lambda r: (r[0], r[1] is not None), default=None)


def attended_enough(attended: int, *, sessions: int, percent: int) -> bool:
    """Whether `attended` sessions are at least `percent` % of `sessions`."""
    return sessions > 0 and attended * 100 >= percent * sessions


def with_attendance(
    participants: QuerySet[Participant], *, cohort: Cohort
) -> list[Participant]:
    """Return the participants, each with its attendance as the completion rule sees it.

    `attended` counts the sessions present at, `sessions` every session of
    the cohort (held, recorded or not) and `attendance_met` applies the
    course's rule to the two: the trainer's counter and `evaluate_cohort`
    both read these, so they cannot disagree.
    """
    every_session = CohortSession.objects.filter(cohort=OuterRef("cohort"))
    rows = list(
        with_attended(participants).annotate(
            sessions=_count(every_session, per="cohort")
        )
    )
    percent = cohort.course.cohort_attendance_percent
    for participant in rows:
        participant.attendance_met = attended_enough(
            participant.attended, sessions=participant.sessions, percent=percent
        )
    return rows


def with_attended(participants: QuerySet[Participant]) -> QuerySet[Participant]:
    """Annotate each participant with `attended`: the sessions they were present at.

    A subquery rather than a join, so the rows can still be locked for update.
    """
    present = Attendance.objects.filter(participant=OuterRef("pk"), present=True)
    return participants.annotate(attended=_count(present, per="participant"))


def with_present_count(sessions: QuerySet[CohortSession]) -> QuerySet[CohortSession]:
    """Annotate each session with `present_count`: participants marked present."""
    return sessions.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True))
    )


def with_rates(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate cohorts with their attendance and completion rates, in whole %.

    `attendance_rate` is the share of recorded marks that are present (None
    before any session is recorded); `completion_rate` the share of
    participants who completed (None without participants). Each count is a
    subquery: joining participants and marks at once would multiply rows.
    """
    participants = Participant.objects.filter(cohort=OuterRef("pk"))
    marks = Attendance.objects.filter(session__cohort=OuterRef("pk"))
    return cohorts.annotate(
        participant_count=_count(participants, per="cohort"),
        completed_count=_count(
            participants.filter(completion__isnull=False), per="cohort"
        ),
        mark_count=_count(marks, per="session__cohort"),
        present_marks=_count(marks.filter(present=True), per="session__cohort"),
    ).annotate(
        attendance_rate=F("present_marks") * 100 / NullIf(F("mark_count"), 0),
        completion_rate=F("completed_count") * 100 / NullIf(F("participant_count"), 0),
    )


def _count(rows: QuerySet, *, per: str) -> Coalesce:
    """Return a subquery counting `rows` for each outer row, 0 if none."""
    counted = rows.order_by().values(per).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
