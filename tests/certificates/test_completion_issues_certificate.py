import hashlib

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, Status
from lms.learning.assessment import start_attempt

pytestmark = pytest.mark.django_db


def pass_the_assessment(client, enrolment) -> None:
    attempt = start_attempt(enrolment=enrolment, now=timezone.now())
    answers = {f"q-{q.id}": sorted(q.correct_ids()) for q in attempt.drawn_questions()}
    client.post(reverse("lms:attempt", args=[attempt.pk]), answers)


def test_passing_a_course_issues_its_certificate_and_emails_the_pdf(
    learner_client, lessons_read, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    certificate = Certificate.objects.get()
    assert certificate.person == person
    assert certificate.completion == lessons_read.completions.get()
    assert certificate.status(today=timezone.localdate()) == Status.VALID
    stored = certificate.pdf.read()
    assert stored.startswith(b"%PDF")
    assert certificate.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    [message] = mail.outbox
    assert message.to == [lessons_read.user.email]
    assert message.subject == (
        f"[Integridad Cajamarca] Su certificado: {certificate.certificate_title}"
    )
    assert certificate.verification_url() in message.body
    assert "Estimado(a) Rosa Elena Quispe Huamán" in message.body
    [(name, content, mimetype)] = message.attachments
    assert (name, mimetype) == (f"{certificate.code}.pdf", "application/pdf")
    assert content == stored


def test_a_learner_without_a_person_gets_one_from_the_account(
    learner_client, lessons_read, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    certificate = Certificate.objects.get()
    assert certificate.holder_name == "Rosa Quispe"
    assert certificate.holder_document == ""


def test_the_pdf_is_stored_once_and_not_rendered_again(
    learner_client, lessons_read, person, django_capture_on_commit_callbacks
):
    from certificates.delivery import store_pdf

    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    certificate = Certificate.objects.get()
    name, fingerprint = certificate.pdf.name, certificate.pdf_sha256
    store_pdf(certificate)
    certificate.refresh_from_db()
    assert (certificate.pdf.name, certificate.pdf_sha256) == (name, fingerprint)
