"""What a result page reveals: the course's setting while attempts remain, every
correct option once the learner passes or has none left."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import CoursePage, ResultReveal
from lms.learning.assessment import start_attempt, submit_attempt
from lms.models import Attempt

pytestmark = pytest.mark.django_db

CORRECT_MARK = "✓ correct"


def take(enrolment, *, right: bool) -> Attempt:
    """Take an attempt answering every question right, or every one wrong."""
    attempt = start_attempt(enrolment=enrolment, now=timezone.now())
    chosen = {
        question.id: sorted(question.correct_ids())
        if right
        else [next(option.id for option in question.options if not option.correct)]
        for question in attempt.drawn_questions()
    }
    return submit_attempt(attempt=attempt, submitted=chosen, now=timezone.now())


def result_page(client, attempt: Attempt) -> str:
    return client.get(reverse("lms:attempt_result", args=[attempt.pk])).content.decode()


def correct_options(attempt: Attempt) -> list[str]:
    return [
        option.text
        for question in attempt.drawn_questions()
        for option in question.options
        if option.correct
    ]


def set_reveal(course, value: str) -> None:
    CoursePage.objects.filter(pk=course.pk).update(result_reveals=value)


def test_by_default_a_failed_attempt_shows_its_mistakes_and_why_not_the_answers(
    learner_client, lessons_read, english
):
    assert lessons_read.course.result_reveals == ResultReveal.MISTAKES
    failed = take(lessons_read, right=False)
    html = result_page(learner_client, failed)
    assert "Incorrect." in html
    for question in failed.drawn_questions():
        assert question.prompt in html
        assert question.explanation in html
    assert CORRECT_MARK not in html
    assert "correct-option" not in html


def test_the_score_only_setting_shows_no_question_of_a_failed_attempt(
    learner_client, lessons_read, english
):
    set_reveal(lessons_read.course, ResultReveal.SCORE)
    failed = take(lessons_read, right=False)
    html = result_page(learner_client, failed)
    assert "0%" in html
    for question in failed.drawn_questions():
        assert question.prompt not in html
        assert question.explanation not in html
    assert CORRECT_MARK not in html


def test_the_answers_setting_shows_every_correct_option_at_once(
    learner_client, lessons_read, english
):
    set_reveal(lessons_read.course, ResultReveal.ANSWERS)
    failed = take(lessons_read, right=False)
    html = result_page(learner_client, failed)
    assert html.count(CORRECT_MARK) == len(correct_options(failed))


@pytest.mark.parametrize("setting", ResultReveal.values)
def test_every_answer_is_shown_once_no_attempt_is_left(
    learner_client, lessons_read, setting, english
):
    set_reveal(lessons_read.course, setting)
    attempts = [
        take(lessons_read, right=False) for _ in range(lessons_read.course.max_attempts)
    ]
    html = result_page(learner_client, attempts[0])
    assert html.count(CORRECT_MARK) == len(correct_options(attempts[0]))


@pytest.mark.parametrize("setting", ResultReveal.values)
def test_every_answer_is_shown_once_the_learner_passes(
    learner_client, lessons_read, setting, english
):
    set_reveal(lessons_read.course, setting)
    failed = take(lessons_read, right=False)
    passed = take(lessons_read, right=True)
    for attempt in (failed, passed):
        html = result_page(learner_client, attempt)
        assert html.count(CORRECT_MARK) == len(correct_options(attempt))
