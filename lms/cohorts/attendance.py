"""Recording a cohort's attendance and paper results, and its printed sheet.

A trainer takes attendance on a phone during a session, or prints the sheet
where there is no connection and types it in afterwards with the paper test
scores. Every save writes an explicit mark for every participant, so an
absence is a recorded fact and not a gap, and then completes whoever meets
the cohort's rule (`lms.cohorts.completion.evaluate_cohort`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.cohorts.completion import evaluate_cohort, trainer_refusal
from lms.cohorts.models import Attendance, Cohort, CohortSession, Participant
from lms.learning.models import Completion
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
