"""Delivering a certificate (PDF and e-mail) once, and the sweep that retries it."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from certificates.tasks import deliver_certificate
from tests.certificates.conftest import issue

pytestmark = pytest.mark.django_db


def sweep() -> str:
    output = StringIO()
    call_command("deliver_pending_certificates", stdout=output)
    return output.getvalue()


def test_a_delivered_certificate_is_not_emailed_again(person, course):
    certificate = issue(person, course, timezone.localdate())
    deliver_certificate.enqueue(certificate.pk)
    certificate.refresh_from_db()
    delivered_at, pdf_name = certificate.delivered_at, certificate.pdf.name
    assert delivered_at and pdf_name
    assert len(mail.outbox) == 1

    # A second job for it, e.g. queued by the sweep while the first waited.
    deliver_certificate.enqueue(certificate.pk)
    certificate.refresh_from_db()
    assert (certificate.delivered_at, certificate.pdf.name) == (delivered_at, pdf_name)
    assert len(mail.outbox) == 1


def test_the_sweep_delivers_a_certificate_whose_job_was_lost(person, course):
    # Issued, but its delivery job never ran (Redis down, worker killed).
    certificate = issue(person, course, timezone.localdate())

    assert "1" in sweep()

    certificate.refresh_from_db()
    assert certificate.delivered_at
    assert certificate.pdf.read().startswith(b"%PDF")
    [message] = mail.outbox
    assert message.to == [person.user.email]
    assert "0" in sweep()
    assert len(mail.outbox) == 1


def test_the_sweep_leaves_revoked_certificates_alone(person, course, learner):
    certificate = issue(person, course, timezone.localdate())
    revoke(
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=learner,
        now=timezone.now(),
    )

    assert "0" in sweep()

    assert Certificate.objects.get().delivered_at is None
    assert mail.outbox == []
