"""Background jobs: the immediate backend runs them at once, workers elsewhere."""

import logging

from django.utils import timezone
from django_tasks import task
from redis.exceptions import RedisError

# The export's task lives with the export now (certificates.admin.exports). A job
# queued before that move names "certificates.tasks.build_certificate_export",
# and the worker imports that path to run it: this name keeps such jobs
# running across the deploy. Remove it in the release after, once the queue
# holds no job under the old path (new jobs name certificates.admin.exports).
from certificates.admin.exports import build_certificate_export  # noqa: F401
from certificates.delivery import deliver, store_pdf
from certificates.models import Certificate

logger = logging.getLogger(__name__)


@task()
def deliver_certificate(certificate_id: int) -> None:
    deliver(certificate_id, now=timezone.now())


@task()
def render_certificate_again(certificate_id: int) -> None:
    store_pdf(Certificate.objects.get(pk=certificate_id), again=True)


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
