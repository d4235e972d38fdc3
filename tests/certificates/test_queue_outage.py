"""With the task queue unreachable, what was asked for is kept, never an error.

Redis down makes enqueueing fail. A completion still issues its certificate
(delivered later by deliver_pending_certificates), and an export says it
could not start instead of waiting for ever.
"""

import logging

import pytest
from django.urls import reverse

from certificates.admin.exports import start_export
from certificates.models import Certificate, CertificateExport
from tests.certificates.test_completion_issues_certificate import pass_the_assessment

pytestmark = pytest.mark.django_db


def test_a_course_completed_meanwhile_issues_its_certificate_for_later_delivery(
    learner_client,
    lessons_read,
    person,
    django_capture_on_commit_callbacks,
    caplog,
    queue_down,
):
    with (
        caplog.at_level(logging.ERROR, logger="certificates.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        pass_the_assessment(learner_client, lessons_read)

    certificate = Certificate.objects.get()
    assert (certificate.pdf.name, certificate.delivered_at) == ("", None)
    assert Certificate.objects.undelivered().get() == certificate
    [record] = caplog.records
    assert f"Delivery of certificate {certificate.pk} not queued" in record.message
    # The learner sees the result page as usual.
    attempt = lessons_read.attempts.get()
    result = learner_client.get(reverse("lms:attempt_result", args=[attempt.pk]))
    assert result.status_code == 200


def test_an_export_started_meanwhile_fails_saying_so(
    officer, english, django_capture_on_commit_callbacks, queue_down
):
    with django_capture_on_commit_callbacks(execute=True):
        export = start_export(filters={}, by=officer)

    export.refresh_from_db()
    assert export.status == CertificateExport.Status.FAILED
    assert export.error == (
        "The task queue is not available. Start the export again later."
    )
