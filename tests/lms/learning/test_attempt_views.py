import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.learning.assessment import start_attempt
from lms.models import Attempt, Completion

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(lessons_read):
    return start_attempt(enrolment=lessons_read, now=timezone.now())


def answers_post(attempt: Attempt, correct: bool = True) -> dict[str, list[str]]:
    data = {}
    for question in attempt.drawn_questions():
        chosen = [o.id for o in question.options if o.correct == correct]
        data[f"q-{question.id}"] = chosen if correct else chosen[:1]
    return data


def test_starting_the_assessment_opens_a_new_attempt(learner_client, lessons_read):
    response = learner_client.post(
        reverse("lms:assessment", args=[lessons_read.course_id])
    )
    attempt = Attempt.objects.get()
    assert response.url == reverse("lms:attempt", args=[attempt.pk])


def test_the_form_shows_the_questions_but_never_which_answer_is_right(
    learner_client, attempt
):
    html = learner_client.get(
        reverse("lms:attempt", args=[attempt.pk])
    ).content.decode()
    for question in attempt.drawn_questions():
        assert question.prompt in html
        assert question.explanation not in html
        # Right and wrong options must render alike once id and text are blanked.
        labels = set()
        for option in question.options:
            match = re.search(
                rf'<label class="option">\s*<input[^>]*value="{option.id}".*?</label>',
                html,
                re.S,
            )
            labels.add(
                match.group(0).replace(option.id, "ID").replace(option.text, "TEXT")
            )
        assert len(labels) == 1


def test_a_passing_submission_shows_the_score_and_explanations(learner_client, attempt):
    url = reverse("lms:attempt", args=[attempt.pk])
    response = learner_client.post(url, answers_post(attempt))
    assert response.url == reverse("lms:attempt_result", args=[attempt.pk])
    html = learner_client.get(response.url).content.decode()
    assert "100%" in html
    for question in attempt.drawn_questions():
        assert question.explanation in html
    assert Completion.objects.get().score == 100


def test_a_failed_submission_offers_another_attempt(learner_client, attempt):
    url = reverse("lms:attempt", args=[attempt.pk])
    response = learner_client.post(
        url, answers_post(attempt, correct=False), follow=True
    )
    assert response.status_code == 200
    assert "0%" in response.content.decode()
    assert reverse("lms:assessment", args=[attempt.enrolment.course_id]) in (
        response.content.decode()
    )
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda data, qid: data.update({qid: ["forged-option"]}), id="unknown-option"
        ),
        pytest.param(
            lambda data, qid: data.update({"q-not-in-attempt": ["x"]}),
            id="foreign-question",
        ),
        pytest.param(lambda data, qid: data.pop(qid), id="missing-answer"),
    ],
)
def test_tampered_submissions_are_refused_and_nothing_is_recorded(
    learner_client, attempt, tamper
):
    data = answers_post(attempt)
    tamper(data, next(iter(data)))
    response = learner_client.post(reverse("lms:attempt", args=[attempt.pk]), data)
    assert response.status_code == 400
    assert response.context["messages"]
    attempt.refresh_from_db()
    assert attempt.is_open and attempt.answers is None
    assert not Completion.objects.exists()


def test_two_choices_for_a_single_choice_question_are_refused(learner_client, attempt):
    data = answers_post(attempt)
    single = next(q for q in attempt.drawn_questions() if not q.allows_many)
    data[f"q-{single.id}"] = [o.id for o in single.options][:2]
    response = learner_client.post(reverse("lms:attempt", args=[attempt.pk]), data)
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_refused_submission_keeps_the_learners_choices(learner_client, attempt):
    data = answers_post(attempt)
    kept_key, kept_value = next(iter(data.items()))
    data.pop(list(data)[-1])
    html = learner_client.post(
        reverse("lms:attempt", args=[attempt.pk]), data
    ).content.decode()
    assert f'name="{kept_key}" value="{kept_value[0]}" required checked' in html or (
        f'name="{kept_key}" value="{kept_value[0]}" checked' in html
    )


def test_resubmitting_a_closed_attempt_changes_nothing(learner_client, attempt):
    url = reverse("lms:attempt", args=[attempt.pk])
    learner_client.post(url, answers_post(attempt, correct=False))
    response = learner_client.post(url, answers_post(attempt), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "lms:attempt_result", args=[attempt.pk]
    )
    attempt.refresh_from_db()
    assert attempt.score == 0
    assert not Completion.objects.exists()


def test_another_learners_attempt_is_not_found(client, stranger, attempt):
    client.force_login(stranger)
    assert client.get(reverse("lms:attempt", args=[attempt.pk])).status_code == 404
    assert (
        client.post(
            reverse("lms:attempt", args=[attempt.pk]), answers_post(attempt)
        ).status_code
        == 404
    )
    assert (
        client.get(reverse("lms:attempt_result", args=[attempt.pk])).status_code == 404
    )
    attempt.refresh_from_db()
    assert attempt.is_open


def test_anonymous_visitors_are_sent_to_log_in(client, attempt):
    response = client.post(
        reverse("lms:attempt", args=[attempt.pk]), answers_post(attempt)
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    attempt.refresh_from_db()
    assert attempt.is_open


def test_an_attempt_on_an_unpublished_course_cannot_be_submitted(
    learner_client, attempt, course
):
    course.unpublish()
    response = learner_client.post(
        reverse("lms:attempt", args=[attempt.pk]), answers_post(attempt)
    )
    assert response.status_code == 404
    assert not Completion.objects.exists()


def test_the_open_attempt_result_page_redirects_to_the_form(learner_client, attempt):
    response = learner_client.get(reverse("lms:attempt_result", args=[attempt.pk]))
    assert response.url == reverse("lms:attempt", args=[attempt.pk])


def test_starting_beyond_the_attempt_limit_shows_a_message(
    learner_client, lessons_read
):
    url = reverse("lms:assessment", args=[lessons_read.course_id])
    for _ in range(lessons_read.course.max_attempts):
        learner_client.post(url)
        attempt = Attempt.objects.filter(submitted_at=None).get()
        learner_client.post(
            reverse("lms:attempt", args=[attempt.pk]), answers_post(attempt, False)
        )
    response = learner_client.post(url)
    assert response.status_code == 200
    assert len(list(response.context["messages"])) == 1
    assert Attempt.objects.count() == lessons_read.course.max_attempts


def test_the_assessment_of_another_learners_course_is_not_found(
    client, stranger, lessons_read
):
    client.force_login(stranger)
    response = client.post(reverse("lms:assessment", args=[lessons_read.course_id]))
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_an_empty_submission_is_refused_with_a_message(learner_client, attempt):
    response = learner_client.post(reverse("lms:attempt", args=[attempt.pk]), {})
    assert response.status_code == 400
    assert len(list(response.context["messages"])) == 1
    attempt.refresh_from_db()
    assert attempt.is_open
