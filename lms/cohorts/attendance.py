"""Attendance of a cohort's sessions, paper results, and the cohort's completion rule.

A trainer takes attendance on a phone during a session, or prints the sheet
where there is no connection and types it in afterwards with the paper test
scores. Every save writes an explicit mark for every participant, so an
absence is a recorded fact and not a gap, and then completes whoever meets
the course's rule (`evaluate_cohort`) through the same path as online
learning: `lms.learning.completions.record_completion`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
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
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cohorts.models import Attendance, Cohort, CohortSession, Participant
from lms.learning.assessment import standing
from lms.learning.completions import record_completion
from lms.learning.models import Attempt, Completion
from lms.lib.pdf import render_html_pdf
from lms.people.models import User

SHEET_TEMPLATE = "lms/pdf/attendance_sheet.html"
SHEET_STYLESHEET = "print/attendance.css"
# Rows left blank on the printed sheet, for people who come without having
# been enrolled; the trainer enrols them before typing the results in.
WALK_IN_ROWS = 5


class AttendanceError(Exception):
    """A save the rules refuse; the message is shown to the trainer."""


def recording_refusal(session: CohortSession, *, today: date) -> str | None:
    """Return why the session's attendance may not be recorded, or None.

    A trainer vouches for who attended, so only a trainer certified on the
    day of the session may record it, and only once it has taken place;
    she must still be certified on the day she records it (`trainer_refusal`).
    """
    if session.held_on > today:
        return _("A session that has not taken place yet cannot be recorded.")
    if not session.cohort.trainer.is_valid_on(session.held_on):
        return _(
            "A cohort session cannot be recorded by a trainer whose own "
            "certification was not valid on that date."
        )
    return None


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


def record_attendance(
    *,
    session: CohortSession,
    present: Collection[int],
    by: User,
    now: datetime,
    source: str = CohortSession.Source.ONLINE,
) -> list[Completion]:
    """Record who attended the session, everyone else absent; return new completions.

    Recording again corrects the marks: a changed mark takes the new author
    and time, an unchanged one keeps its own.
    """
    today = timezone.localdate(now)
    with transaction.atomic():
        participants = _lock_participants(session.cohort)
        _check_session(session, set(present), participants, today)
        if refusal := trainer_refusal(session.cohort, today=today):
            raise AttendanceError(refusal)
        _write_marks(session, set(present), participants, by=by, now=now, source=source)
        return evaluate_cohort(cohort=session.cohort, now=now)


def record_paper_results(
    *,
    cohort: Cohort,
    attended: Mapping[int, Collection[int]],
    scores: Mapping[int, int | None],
    by: User,
    now: datetime,
) -> list[Completion]:
    """Record the paper sheet typed in afterwards, all or nothing; return completions.

    `attended` maps a session id to the participants present at it (every
    other participant is recorded absent); `scores` maps a participant id
    to their paper test score in %, or None for no paper test.
    """
    today = timezone.localdate(now)
    if refusal := trainer_refusal(cohort, today=today):
        raise AttendanceError(refusal)
    with transaction.atomic():
        participants = _lock_participants(cohort)
        sessions = {session.pk: session for session in cohort.sessions.all()}
        if not set(attended) <= set(sessions):
            raise AttendanceError(_("Some of the sessions are not of this cohort."))
        for session_id, present in attended.items():
            _check_session(sessions[session_id], set(present), participants, today)
        _check_participants(set(scores), participants)
        if any(not 0 <= score <= 100 for score in scores.values() if score is not None):
            raise AttendanceError(_("A test score is a percentage, from 0 to 100."))
        for session_id, present in attended.items():
            _write_marks(
                sessions[session_id],
                set(present),
                participants,
                by=by,
                now=now,
                source=CohortSession.Source.PAPER,
            )
        _write_scores(cohort, scores, by=by, now=now)
        return evaluate_cohort(cohort=cohort, now=now)


def _lock_participants(cohort: Cohort) -> set[int]:
    """Return the cohort's participant ids, locked until the transaction ends.

    Every save of a cohort's attendance or results takes these locks first,
    in the same order, so two saves of one cohort run one after the other.
    NO KEY UPDATE leaves the attendance rows' foreign keys free to point here.
    """
    locked = Participant.objects.filter(cohort=cohort).order_by("pk")
    return set(locked.select_for_update(no_key=True).values_list("pk", flat=True))


def _check_session(
    session: CohortSession, present: set[int], participants: set[int], today: date
) -> None:
    if refusal := recording_refusal(session, today=today):
        raise AttendanceError(refusal)
    _check_participants(present, participants)


def _check_participants(ids: set[int], participants: set[int]) -> None:
    if not ids <= participants:
        raise AttendanceError(
            _("Some of the people given are not participants of this cohort.")
        )


def _write_marks(
    session: CohortSession,
    present: set[int],
    participants: set[int],
    *,
    by: User,
    now: datetime,
    source: str,
) -> None:
    marks = {mark.participant_id: mark for mark in session.attendance.all()}
    new, changed = [], []
    for participant_id in participants:
        is_present = participant_id in present
        mark = marks.get(participant_id)
        if mark is None:
            new.append(
                Attendance(
                    session=session,
                    participant_id=participant_id,
                    present=is_present,
                    recorded_at=now,
                    recorded_by=by,
                )
            )
        elif mark.present != is_present:
            mark.present, mark.recorded_at, mark.recorded_by = is_present, now, by
            changed.append(mark)
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["present", "recorded_at", "recorded_by"])
    session.recorded_at, session.recorded_by, session.source = now, by, source
    session.save(update_fields=["recorded_at", "recorded_by", "source"])


def _write_scores(
    cohort: Cohort, scores: Mapping[int, int | None], *, by: User, now: datetime
) -> None:
    changed = [
        participant
        for participant in Participant.objects.filter(cohort=cohort, pk__in=scores)
        if participant.paper_score != scores[participant.pk]
    ]
    for participant in changed:
        participant.paper_score = scores[participant.pk]
        participant.paper_score_recorded_at = now
        participant.paper_score_recorded_by = by
    Participant.objects.bulk_update(
        changed,
        ["paper_score", "paper_score_recorded_at", "paper_score_recorded_by"],
    )


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


def attendance_sheet_pdf(
    *,
    cohort: Cohort,
    sessions: list[CohortSession],
    participants: list[Participant],
    results_url: str,
    today: date,
) -> bytes:
    """Return the cohort's printable attendance sheet, A4 landscape.

    A row per participant, with a box per session for their signature and
    one for the paper test score, then blank rows; `results_url` is where
    the trainer types the results in afterwards.
    """
    first_blank = len(participants) + 1
    context = {
        "cohort": cohort,
        "sessions": sessions,
        "participants": participants,
        "blank_rows": range(first_blank, first_blank + WALK_IN_ROWS),
        "results_url": results_url,
        "printed_on": today,
    }
    html = render_to_string(SHEET_TEMPLATE, context)
    return render_html_pdf(html, stylesheet_name=SHEET_STYLESHEET)
