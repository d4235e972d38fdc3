"""Background jobs: the immediate backend runs them at once, workers elsewhere."""

from django_tasks import task

from certificates.delivery import send_to_holder, store_pdf
from certificates.models import Certificate, CertificateExport


@task()
def deliver_certificate(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("person__user").get(
        pk=certificate_id
    )
    store_pdf(certificate)
    send_to_holder(certificate)


@task()
def render_certificate_again(certificate_id: int) -> None:
    store_pdf(Certificate.objects.get(pk=certificate_id), again=True)


@task()
def build_certificate_export(export_id: int) -> None:
    # Imported here: exports imports this module to enqueue this task.
    from certificates.exports import build_export

    build_export(CertificateExport.objects.get(pk=export_id))
