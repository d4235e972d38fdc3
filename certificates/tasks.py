"""Background jobs: the immediate backend runs them at once, workers elsewhere."""

import logging

from django.utils import timezone
from django_tasks import task
from redis.exceptions import RedisError

from certificates.delivery import deliver, store_pdf
from certificates.models import Certificate, CertificateExport

logger = logging.getLogger(__name__)


@task()
def deliver_certificate(certificate_id: int) -> None:
    deliver(certificate_id, now=timezone.now())


@task()
def render_certificate_again(certificate_id: int) -> None:
    store_pdf(Certificate.objects.get(pk=certificate_id), again=True)


@task()
def build_certificate_export(export_id: int) -> None:
    # Imported here: exports imports this module to enqueue this task.
    from certificates.exports import build_export

    build_export(CertificateExport.objects.get(pk=export_id))


def queue_delivery(certificate_id: int) -> None:
    """Queue the certificate's delivery, or leave it to the recovery sweep.

    The certificate is already committed: a queue that cannot be reached
    must not turn the learner's completion into an error page.
    `deliver_pending_certificates` queues it again once Redis is back.
    """
    try:
        deliver_certificate.enqueue(certificate_id)
    except RedisError:
        logger.exception(
            "Delivery of certificate %s not queued; "
            "deliver_pending_certificates will queue it.",
            certificate_id,
        )


def queue_undelivered() -> int:
    """Queue the delivery of every certificate not yet delivered; return how many."""
    pending = list(Certificate.objects.undelivered().values_list("pk", flat=True))
    for certificate_id in pending:
        deliver_certificate.enqueue(certificate_id)
    return len(pending)
