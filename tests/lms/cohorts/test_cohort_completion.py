"""A cohort's completion rule: enough attendance and a passed assessment."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from courses.models import CoursePage
from lms.cohorts.attendance import record_attendance, record_paper_results
from lms.cohorts.completion import evaluate_cohort
from lms.learning.assessment import AssessmentError, start_attempt, submit_attempt
from lms.models import (
    Assignment,
    AssignmentStatus,
    Attempt,
    Cohort,
    Completion,
    Participant,
)
from lms.staff.assignments import sync_assignments
from tests.factories import StaffMemberFactory
from tests.lms.cohorts.test_attendance import held_cohort, join

pytestmark = pytest.mark.django_db


def right_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids()) for q in attempt.drawn_questions()}


def pass_online(participant: Participant) -> Attempt:
    """Take the assessment online and answer everything right."""
    attempt = start_attempt(enrolment=participant.enrolment, now=timezone.now())
    return submit_attempt(
        attempt=attempt, submitted=right_answers(attempt), now=timezone.now()
    )


def type_in(
    cohort: Cohort, participant: Participant, *, sessions: int, score, by
) -> list[Completion]:
    """Type in a paper sheet: present at the first `sessions`, and a score."""
    held = cohort.sessions.order_by("number")
    return record_paper_results(
        cohort=cohort,
        attended={
            s.pk: ({participant.pk} if s.number <= sessions else set()) for s in held
        },
        scores={participant.pk: score},
        by=by,
        now=timezone.now(),
    )


@pytest.fixture
def five_sessions(trainer, course) -> Cohort:
    """A cohort of five held sessions whose course asks for 80 % of them."""
    CoursePage.objects.filter(pk=course.pk).update(cohort_attendance_percent=80)
    course.refresh_from_db()
    return held_cohort(trainer, course, sessions=5)


@pytest.fixture
def participant(five_sessions) -> Participant:
    return join(five_sessions)


def test_attendance_exactly_at_the_threshold_and_a_paper_pass_complete(
    five_sessions, participant, trainer_user
):
    pass_mark = five_sessions.course.pass_mark
    [completion] = type_in(
        five_sessions, participant, sessions=4, score=pass_mark, by=trainer_user
    )
    assert completion.enrolment == participant.enrolment
    assert (completion.score, completion.attempt) == (pass_mark, None)
    participant.refresh_from_db()
    assert participant.completion == completion


def test_attendance_below_the_threshold_does_not_complete(
    five_sessions, participant, trainer_user
):
    completed = type_in(
        five_sessions, participant, sessions=3, score=100, by=trainer_user
    )
    assert completed == []
    assert not participant.enrolment.completions.exists()


def test_a_paper_score_under_the_pass_mark_does_not_complete(
    five_sessions, participant, trainer_user
):
    score = five_sessions.course.pass_mark - 1
    completed = type_in(
        five_sessions, participant, sessions=5, score=score, by=trainer_user
    )
    assert completed == []
    assert not participant.enrolment.completions.exists()


def test_a_participant_takes_the_assessment_online_without_reading_the_lessons(
    five_sessions, participant, trainer_user
):
    """The lessons are taught in class; the cohort then decides completion."""
    attempt = pass_online(participant)
    assert attempt.passed
    assert not participant.enrolment.completions.exists()  # no attendance yet
    [completion] = type_in(
        five_sessions, participant, sessions=5, score=None, by=trainer_user
    )
    assert (completion.attempt, completion.score) == (attempt, 100)


def test_a_pass_online_completes_at_once_when_attendance_is_enough(
    five_sessions, participant, trainer_user
):
    type_in(five_sessions, participant, sessions=4, score=None, by=trainer_user)
    assert not participant.enrolment.completions.exists()
    attempt = pass_online(participant)
    completion = participant.enrolment.completions.get()
    assert completion.attempt == attempt
    participant.refresh_from_db()
    assert participant.completion == completion


def test_the_better_of_paper_and_online_is_the_score(
    five_sessions, participant, trainer_user
):
    attempt = pass_online(participant)
    [completion] = type_in(
        five_sessions, participant, sessions=5, score=70, by=trainer_user
    )
    assert (completion.score, completion.attempt) == (100, attempt)


def test_evaluating_again_completes_nobody_twice(
    five_sessions, participant, trainer_user
):
    type_in(five_sessions, participant, sessions=5, score=90, by=trainer_user)
    assert evaluate_cohort(cohort=five_sessions, now=timezone.now()) == []
    assert participant.enrolment.completions.count() == 1


def test_a_course_already_completed_online_is_not_completed_again(
    five_sessions, participant, trainer_user
):
    earlier = Completion.objects.create(
        enrolment=participant.enrolment,
        completed_at=timezone.now() - timedelta(days=30),
        score=95,
    )
    completed = type_in(
        five_sessions, participant, sessions=5, score=90, by=trainer_user
    )
    assert completed == []
    assert list(participant.enrolment.completions.all()) == [earlier]
    participant.refresh_from_db()
    assert participant.completion is None


def test_a_completion_about_to_lapse_is_renewed_by_the_cohort(
    five_sessions, participant, trainer_user
):
    CoursePage.objects.filter(pk=five_sessions.course_id).update(validity_months=12)
    five_sessions.course.refresh_from_db()
    Completion.objects.create(
        enrolment=participant.enrolment,
        completed_at=timezone.now() - timedelta(days=350),
        score=95,
    )
    [renewal] = type_in(
        five_sessions, participant, sessions=5, score=90, by=trainer_user
    )
    assert participant.enrolment.completions.count() == 2
    assert renewal.score == 90


def test_a_cohort_completion_meets_the_staff_requirement(
    five_sessions,
    participant,
    trainer_user,
    units,
    induction,
    django_capture_on_commit_callbacks,
):
    staff = StaffMemberFactory(person=participant.person, unit=units["a"])
    sync_assignments(today=timezone.localdate())
    assignment = Assignment.objects.get(staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        type_in(five_sessions, participant, sessions=5, score=90, by=trainer_user)
    today = timezone.localdate()
    status = Assignment.objects.with_status(today=today).get(pk=assignment.pk).status
    assert status == AssignmentStatus.COMPLETED


def test_online_learners_outside_cohorts_still_read_every_lesson_first(
    enrolment, english
):
    with pytest.raises(AssessmentError, match="Read every lesson"):
        start_attempt(enrolment=enrolment, now=timezone.now())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL row locking with concurrent connections; "
    "set DATABASE_URL (CI does)",
)
@pytest.mark.parametrize("repeat", range(3))
def test_two_sessions_saved_at_once_complete_each_participant_once(
    trainer, course, trainer_user, repeat
):
    """Either save alone is enough attendance: only one may complete them."""
    CoursePage.objects.filter(pk=course.pk).update(cohort_attendance_percent=50)
    course.refresh_from_db()
    cohort = held_cohort(trainer, course, sessions=2)
    group = [join(cohort) for _ in range(3)]
    Participant.objects.filter(cohort=cohort).update(paper_score=90)
    everyone = {participant.pk for participant in group}
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def save(number: int) -> None:
        barrier.wait()
        try:
            record_attendance(
                session=cohort.sessions.get(number=number),
                present=everyone,
                by=trainer_user,
                now=timezone.now(),
            )
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=[number]) for number in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Completion.objects.filter(enrolment__course=course).count() == 3
    assert Participant.objects.filter(completion__isnull=True).count() == 0
