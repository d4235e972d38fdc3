"""Recording a cohort's attendance, on the phone sheet or from the paper sheet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.cohorts.attendance import (
    AttendanceError,
    record_attendance,
    record_paper_results,
)
from lms.cohorts.completion import with_attended, with_present_count, with_rates
from lms.learning.progress import enrol
from lms.models import (
    Attendance,
    Cohort,
    CohortSession,
    Completion,
    JoinedVia,
    Participant,
)
from tests.factories import PersonFactory, UserFactory, cohort_with_sessions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

REFUSED = "whose own certification was not valid on that date"


def join(cohort: Cohort, **person) -> Participant:
    """Return a new participant of the cohort, enrolled in its course."""
    user = UserFactory()
    person = PersonFactory(user=user, **person)
    return Participant.objects.create(
        cohort=cohort,
        person=person,
        enrolment=enrol(user=user, course=cohort.course),
        joined_via=JoinedVia.LIST,
        joined_at=timezone.now(),
    )


def held_cohort(trainer, course, *, sessions: int = 3, **fields) -> Cohort:
    """Return a cohort of weekly sessions, the last of them held today."""
    starts_on = timezone.localdate() - timedelta(weeks=sessions - 1)
    return cohort_with_sessions(
        trainer, course, starts_on=starts_on, sessions=sessions, **fields
    )


def session(cohort: Cohort, number: int) -> CohortSession:
    return cohort.sessions.get(number=number)


def marks(session: CohortSession) -> dict[int, bool]:
    return dict(session.attendance.values_list("participant_id", "present"))


@pytest.fixture
def held(trainer, course) -> Cohort:
    return held_cohort(trainer, course)


@pytest.fixture
def group(held) -> list[Participant]:
    return [join(held) for _ in range(3)]


def test_every_participant_gets_a_mark_absent_ones_too(held, group, trainer_user):
    first = session(held, 1)
    now = timezone.now()
    record_attendance(session=first, present={group[0].pk}, by=trainer_user, now=now)
    assert marks(first) == {group[0].pk: True, group[1].pk: False, group[2].pk: False}
    first.refresh_from_db()
    assert (first.recorded_at, first.recorded_by) == (now, trainer_user)
    assert first.source == CohortSession.Source.ONLINE


def test_recording_again_corrects_the_marks_and_says_who_changed_them(
    held, group, trainer_user
):
    first = session(held, 1)
    earlier = timezone.now() - timedelta(hours=2)
    record_attendance(
        session=first, present={group[0].pk}, by=trainer_user, now=earlier
    )
    later = timezone.now()
    record_attendance(
        session=first, present={group[0].pk, group[1].pk}, by=trainer_user, now=later
    )
    assert marks(first) == {group[0].pk: True, group[1].pk: True, group[2].pk: False}
    assert Attendance.objects.count() == 3
    when = dict(first.attendance.values_list("participant_id", "recorded_at"))
    assert when == {group[0].pk: earlier, group[1].pk: later, group[2].pk: earlier}
    first.refresh_from_db()
    assert first.recorded_at == later


def test_a_session_not_held_yet_cannot_be_recorded(trainer, course, trainer_user):
    cohort = cohort_with_sessions(
        trainer, course, starts_on=timezone.localdate() + timedelta(days=1)
    )
    someone = join(cohort)
    with pytest.raises(AttendanceError, match="not taken place yet"):
        record_attendance(
            session=session(cohort, 1),
            present={someone.pk},
            by=trainer_user,
            now=timezone.now(),
        )
    assert not Attendance.objects.exists()
    assert session(cohort, 1).recorded_at is None


def approved_after_the_session(trainer) -> None:
    trainer.approved_at = timezone.now() - timedelta(days=1)
    trainer.save(update_fields=["approved_at"])


def withdrawn_before_the_session(trainer) -> None:
    trainer.withdrawn_at = timezone.now() - timedelta(days=20)
    trainer.withdrawn_by = trainer.approved_by
    trainer.withdrawal_reason = "Dejó de dictar."
    trainer.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])


def qualification_lapsed(trainer) -> None:
    """The trainer course (valid 24 months) was completed 25 months ago."""
    Completion.objects.filter(pk=trainer.qualification_id).update(
        completed_at=timezone.now() - timedelta(days=25 * 31)
    )


def qualification_revoked(trainer) -> None:
    Completion.objects.filter(pk=trainer.qualification_id).update(
        revoked_at=timezone.now()
    )


@pytest.mark.parametrize(
    "lose_certification",
    [
        approved_after_the_session,
        withdrawn_before_the_session,
        qualification_lapsed,
        qualification_revoked,
    ],
)
def test_a_trainer_not_certified_on_the_day_cannot_record_it(
    held, group, trainer, trainer_user, lose_certification
):
    lose_certification(trainer)
    first = session(held, 1)
    with pytest.raises(AttendanceError, match=REFUSED):
        record_attendance(
            session=first, present={group[0].pk}, by=trainer_user, now=timezone.now()
        )
    assert not Attendance.objects.exists()


def test_a_session_before_a_withdrawal_cannot_be_recorded_after_it(
    trainer, course, trainer_user
):
    """She was certified on the session's day, but no longer vouches today."""
    cohort = held_cohort(trainer, course, sessions=4)  # first session 21 days ago
    someone = join(cohort)
    withdrawn_before_the_session(trainer)  # 20 days ago
    with pytest.raises(AttendanceError, match="not a certified trainer today"):
        record_attendance(
            session=session(cohort, 1),
            present={someone.pk},
            by=trainer_user,
            now=timezone.now(),
        )
    assert not Attendance.objects.exists()


def test_people_of_another_cohort_cannot_be_marked(
    held, group, trainer, course, trainer_user
):
    elsewhere = join(held_cohort(trainer, course, name="Otro grupo"))
    with pytest.raises(AttendanceError, match="not participants of this cohort"):
        record_attendance(
            session=session(held, 1),
            present={group[0].pk, elsewhere.pk},
            by=trainer_user,
            now=timezone.now(),
        )
    assert not Attendance.objects.exists()


def test_the_paper_sheet_records_several_sessions_and_scores_at_once(
    held, group, trainer_user
):
    first, second = session(held, 1), session(held, 2)
    now = timezone.now()
    record_paper_results(
        cohort=held,
        attended={first.pk: {group[0].pk, group[1].pk}, second.pk: {group[0].pk}},
        scores={group[0].pk: 75, group[1].pk: None, group[2].pk: 40},
        by=trainer_user,
        now=now,
    )
    assert marks(first) == {group[0].pk: True, group[1].pk: True, group[2].pk: False}
    assert marks(second) == {group[0].pk: True, group[1].pk: False, group[2].pk: False}
    first.refresh_from_db()
    assert first.source == CohortSession.Source.PAPER
    assert session(held, 3).recorded_at is None
    scores = {p.pk: p.paper_score for p in held.participants.all()}
    assert scores == {group[0].pk: 75, group[1].pk: None, group[2].pk: 40}
    group[0].refresh_from_db()
    assert group[0].paper_score_recorded_at == now
    assert group[0].paper_score_recorded_by == trainer_user


@pytest.mark.parametrize(
    "attended, scores, error",
    [
        ("valid", {"first": 120}, "from 0 to 100"),
        ("valid", {"first": -1}, "from 0 to 100"),
        ("other cohort", {"first": 80}, "sessions are not of this cohort"),
        ("not held", {"first": 80}, "not taken place yet"),
        ("valid", {"stranger": 80}, "not participants of this cohort"),
    ],
)
def test_the_paper_sheet_is_saved_all_or_nothing(
    held, group, trainer, course, trainer_user, attended, scores, error
):
    other = held_cohort(trainer, course, name="Otro grupo")
    held.sessions.filter(number=3).update(starts_at=timezone.now() + timedelta(days=1))
    people = {"first": group[0].pk, "stranger": join(other).pk}
    extra = {
        "valid": session(held, 2),
        "other cohort": session(other, 1),
        "not held": session(held, 3),
    }[attended]
    with pytest.raises(AttendanceError, match=error):
        record_paper_results(
            cohort=held,
            attended={session(held, 1).pk: {group[0].pk}, extra.pk: {group[0].pk}},
            scores={people[who]: score for who, score in scores.items()},
            by=trainer_user,
            now=timezone.now(),
        )
    assert not Attendance.objects.exists()
    assert not CohortSession.objects.filter(recorded_at__isnull=False).exists()
    assert not Participant.objects.filter(paper_score__isnull=False).exists()


def test_rates_count_explicit_absences_and_completions(held, group, trainer_user):
    now = timezone.now()
    record_attendance(
        session=session(held, 1), present={group[0].pk}, by=trainer_user, now=now
    )
    record_attendance(
        session=session(held, 2),
        present={group[0].pk, group[1].pk},
        by=trainer_user,
        now=now,
    )
    attended = {p.pk: p.attended for p in with_attended(held.participants.all())}
    assert attended == {group[0].pk: 2, group[1].pk: 1, group[2].pk: 0}
    counts = {
        s.number: s.present_count for s in with_present_count(held.sessions.all())
    }
    assert counts == {1: 1, 2: 2, 3: 0}
    rates = with_rates(Cohort.objects.filter(pk=held.pk)).get()
    assert rates.attendance_rate == 50  # 3 present of 6 marks
    assert rates.completion_rate == 0


def test_a_cohort_without_marks_or_participants_has_no_rates(trainer, course):
    empty = held_cohort(trainer, course)
    rates = with_rates(Cohort.objects.filter(pk=empty.pk)).get()
    assert (rates.attendance_rate, rates.completion_rate) == (None, None)
