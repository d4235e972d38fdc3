"""A completion whose certificate failed to issue gets it from the recovery sweep.

Issuing follows the commit of the completion, so a failure there must not
reach the learner, and `deliver_pending_certificates` issues what is missing,
once.
"""

import logging
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_for_completion
from certificates.models import Certificate
from lms.learning.assessment import start_attempt
from lms.models import Completion

pytestmark = pytest.mark.django_db


def sweep() -> str:
    output = StringIO()
    call_command("deliver_pending_certificates", stdout=output)
    return output.getvalue()


def broken(completion):
    raise OverflowError("date value out of range")


def test_a_pass_whose_certificate_fails_is_recorded_and_the_sweep_issues_it_once(
    learner_client,
    lessons_read,
    person,
    django_capture_on_commit_callbacks,
    monkeypatch,
    caplog,
    english,
):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    answers = {f"q-{q.id}": sorted(q.correct_ids()) for q in attempt.drawn_questions()}
    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR):
        patched.setattr("certificates.issuance.issue_for_completion", broken)
        # The callbacks run as the request's transaction commits would.
        with django_capture_on_commit_callbacks(execute=True):
            response = learner_client.post(
                reverse("lms:attempt", args=[attempt.pk]), answers
            )
    assert response.status_code == 302
    completion = lessons_read.completions.get()
    assert not Certificate.objects.exists()
    assert "OverflowError" in caplog.text
    result = learner_client.get(reverse("lms:attempt_result", args=[attempt.pk]))
    assert result.status_code == 200

    assert "Issued 1 missing certificate." in sweep()
    certificate = Certificate.objects.get()
    assert certificate.completion == completion
    assert certificate.delivered_at is not None
    assert len(mail.outbox) == 1

    assert "missing" not in sweep()
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_revoked_and_lapsed_completions_alone(
    lessons_read, person, yearly_course
):
    now = timezone.now()
    Completion.objects.create(
        enrolment=lessons_read, completed_at=now - timedelta(days=400), score=90
    )
    Completion.objects.create(
        enrolment=lessons_read,
        completed_at=now - timedelta(days=30),
        score=90,
        revoked_at=now,
    )
    sweep()
    assert not Certificate.objects.exists()


def test_a_completion_a_certificate_already_covers_gets_no_second_one(
    lessons_read, person
):
    # Two completions raced: both count, one certificate holds the first.
    day = datetime(2026, 11, 22, 10, tzinfo=timezone.get_current_timezone())
    first = Completion.objects.create(
        enrolment=lessons_read, completed_at=day, score=90
    )
    Completion.objects.create(enrolment=lessons_read, completed_at=day, score=95)
    issue_for_completion(first)
    sweep()
    sweep()
    assert Certificate.objects.get().completion == first
