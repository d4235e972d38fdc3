"""After passing, the result page and the course card lead to the certificate."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from lms.learning.assessment import start_attempt
from lms.models import Attempt, Completion, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def passed(learner, learner_client, lessons_read) -> Attempt:
    """The learner passed; issuing her certificate (after the commit) has not run."""
    Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    answers = {f"q-{q.id}": sorted(q.correct_ids()) for q in attempt.drawn_questions()}
    learner_client.post(reverse("lms:attempt", args=[attempt.pk]), answers)
    attempt.refresh_from_db()
    assert attempt.passed
    return attempt


def issue(attempt: Attempt):
    completion = Completion.objects.get(attempt=attempt)
    return issue_certificate(
        person=attempt.enrolment.user.person,
        course=attempt.enrolment.course,
        issued_on=timezone.localdate(),
        score=completion.score,
        completion=completion,
    )


def pages(client, attempt: Attempt) -> dict[str, str]:
    return {
        name: client.get(url).content.decode()
        for name, url in {
            "result": reverse("lms:attempt_result", args=[attempt.pk]),
            "course": attempt.enrolment.course.url,
            "home": reverse("lms:my_courses"),
        }.items()
    }


def test_while_issuing_runs_the_pages_say_the_certificate_is_being_prepared(
    learner_client, passed
):
    for name, html in pages(learner_client, passed).items():
        assert "Su certificado se está preparando" in html, name
        assert "Ver mi certificado" not in html, name


def test_once_issued_each_page_links_to_the_certificate(learner_client, passed):
    certificate = issue(passed)
    link = f"{reverse('certificates:my_certificates')}#certificado-{certificate.code}"
    for name, html in pages(learner_client, passed).items():
        assert f'href="{link}"' in html, name
        assert "Ver mi certificado" in html, name
    listed = learner_client.get(reverse("certificates:my_certificates"))
    assert f'id="certificado-{certificate.code}"' in listed.content.decode()


def test_nobody_else_is_shown_the_certificate_or_the_result(client, stranger, passed):
    certificate = issue(passed)
    client.force_login(stranger)
    result = client.get(reverse("lms:attempt_result", args=[passed.pk]))
    assert result.status_code == 404
    course = client.get(passed.enrolment.course.url).content.decode()
    assert certificate.code not in course
    listed = client.get(reverse("certificates:my_certificates")).content.decode()
    assert certificate.code not in listed
