import random
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import CoursePage
from lms.learning.assessment import AssessmentError, start_attempt, submit_attempt
from lms.learning.signals import course_completed
from lms.models import Attempt, Completion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def right_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {q.id: sorted(q.correct_ids()) for q in attempt.drawn_questions()}


def wrong_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {
        q.id: [next(o.id for o in q.options if not o.correct)]
        for q in attempt.drawn_questions()
    }


def test_an_attempt_draws_the_course_number_of_questions(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    assert attempt.number == 1
    assert len(attempt.drawn_questions()) == lessons_read.course.questions_per_attempt


def test_the_assessment_waits_until_every_lesson_is_read(enrolment):
    with pytest.raises(AssessmentError, match="Read every lesson"):
        start_attempt(enrolment=enrolment, now=timezone.now())
    assert not Attempt.objects.exists()


def test_starting_again_continues_the_open_attempt(lessons_read):
    first = start_attempt(enrolment=lessons_read, now=timezone.now())
    again = start_attempt(enrolment=lessons_read, now=timezone.now())
    assert again.pk == first.pk
    assert Attempt.objects.count() == 1


def test_a_passing_attempt_records_one_completion(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    submit_attempt(
        attempt=attempt, submitted=right_answers(attempt), now=timezone.now()
    )
    completion = Completion.objects.get()
    assert completion.enrolment == lessons_read
    assert completion.score == 100
    assert completion.attempt.number == 1


def test_a_failing_attempt_records_no_completion(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    result = submit_attempt(
        attempt=attempt, submitted=wrong_answers(attempt), now=timezone.now()
    )
    assert result.passed is False
    assert result.score == 0
    assert not Completion.objects.exists()


def test_the_pass_mark_is_the_one_in_force_when_the_attempt_started(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    CoursePage.objects.filter(pk=lessons_read.course_id).update(pass_mark=100)
    submitted = right_answers(attempt)
    first = attempt.drawn_questions()[0]
    submitted[first.id] = [next(o.id for o in first.options if not o.correct)]
    result = submit_attempt(attempt=attempt, submitted=submitted, now=timezone.now())
    assert result.score == 66
    assert result.passed is True


def test_editing_the_bank_does_not_change_an_open_attempt(lessons_read):
    attempt = start_attempt(
        enrolment=lessons_read, now=timezone.now(), rng=random.Random(1)
    )
    course = CoursePage.objects.get(pk=lessons_read.course_id)
    course.question_bank = []
    course.save()
    result = submit_attempt(
        attempt=attempt, submitted=right_answers(attempt), now=timezone.now()
    )
    assert result.passed is True


def test_a_submitted_attempt_cannot_be_submitted_again(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    submit_attempt(
        attempt=attempt, submitted=wrong_answers(attempt), now=timezone.now()
    )
    stale = Attempt.objects.get(pk=attempt.pk)
    stale.submitted_at = None  # a second tab still holding the open attempt
    with pytest.raises(AssessmentError, match="already been submitted"):
        submit_attempt(
            attempt=stale, submitted=right_answers(attempt), now=timezone.now()
        )
    assert Attempt.objects.get(pk=attempt.pk).score == 0
    assert not Completion.objects.exists()


def test_no_more_attempts_than_the_course_allows(lessons_read):
    for _ in range(lessons_read.course.max_attempts):
        attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
        submit_attempt(
            attempt=attempt, submitted=wrong_answers(attempt), now=timezone.now()
        )
    with pytest.raises(AssessmentError, match="used all 2 attempts"):
        start_attempt(enrolment=lessons_read, now=timezone.now())
    assert Attempt.objects.count() == 2


def test_a_completed_course_takes_no_further_attempts(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    submit_attempt(
        attempt=attempt, submitted=right_answers(attempt), now=timezone.now()
    )
    with pytest.raises(AssessmentError, match="already completed"):
        start_attempt(enrolment=lessons_read, now=timezone.now())


def test_invalid_answers_leave_the_attempt_open(lessons_read):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    with pytest.raises(AssessmentError, match="does not exist"):
        submit_attempt(
            attempt=attempt,
            submitted={q.id: ["forged"] for q in attempt.drawn_questions()},
            now=timezone.now(),
        )
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempt.answers is None


def test_completion_is_announced_after_commit(
    lessons_read, django_capture_on_commit_callbacks
):
    received = []

    def listener(sender, completion, **kwargs):
        received.append(completion)

    course_completed.connect(listener)
    try:
        attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):
            submit_attempt(
                attempt=attempt,
                submitted=right_answers(attempt),
                now=timezone.now() + timedelta(minutes=5),
            )
    finally:
        course_completed.disconnect(listener)
    assert received == [Completion.objects.get()]
