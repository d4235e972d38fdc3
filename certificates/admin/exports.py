"""ZIP files of the PDFs of the certificates an admin list filter matches."""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from functools import partial

from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_tasks import task
from redis.exceptions import RedisError

from certificates.admin.filters import SEARCH_PARAM, CertificateFilterSet, search
from certificates.delivery import store_pdf
from certificates.models import Certificate, CertificateExport
from lms.models import User

Status = CertificateExport.Status
logger = logging.getLogger(__name__)

# How many certificates go into the ZIP between two updates of the progress.
PROGRESS_EVERY = 10


def start_export(*, filters: dict, by: User) -> CertificateExport:
    """Record an export of the certificates `filters` match; build it on commit."""
    export = CertificateExport.objects.create(filters=filters, requested_by=by)
    transaction.on_commit(partial(_queue_build, export))
    return export


@task()
def build_certificate_export(export_id: int) -> None:
    build_export(CertificateExport.objects.get(pk=export_id))


def _queue_build(export: CertificateExport) -> None:
    """Queue the build; if the queue cannot be reached, fail the export saying so."""
    try:
        build_certificate_export.enqueue(export.pk)
    except RedisError:
        logger.exception("Export %s not queued.", export.pk)
        _advance(
            export,
            Status.PENDING,
            status=Status.FAILED,
            error=_("The task queue is not available. Start the export again later."),
        )


def build_export(export: CertificateExport) -> None:
    """Write the ZIP of the export's certificates, rendering missing PDFs.

    Only a pending export is built, so a job run twice builds it once. Any
    error marks the export failed with its message.
    """
    if not _advance(export, Status.PENDING, status=Status.RUNNING):
        return
    try:
        certificates = matching(export.filters)
        _advance(export, Status.RUNNING, total=certificates.count())
        with tempfile.TemporaryFile(suffix=".zip") as temporary:
            _write_zip(export, certificates, temporary)
            temporary.seek(0)
            name = f"certificados-{export.pk}.zip"
            export.file.save(name, File(temporary), save=False)
    except Exception as error:
        message = str(error) or type(error).__name__
        _advance(export, Status.RUNNING, status=Status.FAILED, error=message)
        return
    _advance(
        export, Status.RUNNING, status=Status.DONE, done=export.total, file=export.file
    )


def matching(filters: dict) -> QuerySet[Certificate]:
    """Return the certificates the admin list shows for these parameters.

    The list's filters and its search term (`filters.filter_params`), applied
    as the list applies them.
    """
    certificates = Certificate.objects.all()
    if query := filters.get(SEARCH_PARAM, "").strip():
        certificates = search(certificates, query)
    filterset = CertificateFilterSet(data=filters, queryset=certificates)
    if not filterset.is_valid():
        raise ValueError(filterset.errors.as_text())
    return filterset.qs.order_by("pk")


def _write_zip(
    export: CertificateExport, certificates: QuerySet[Certificate], temporary
) -> None:
    """Copy each PDF into the ZIP in chunks, so no PDF is held whole in memory."""
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, certificate in enumerate(certificates.iterator(), start=1):
            store_pdf(certificate)
            with (
                certificate.pdf.open("rb") as pdf,
                archive.open(f"{certificate.code}.pdf", "w") as entry,
            ):
                shutil.copyfileobj(pdf, entry)
            if done % PROGRESS_EVERY == 0:
                _advance(export, Status.RUNNING, done=done)


def _advance(export: CertificateExport, expected: str, /, **values) -> bool:
    """Save `values` if the export still has status `expected`; return whether it did.

    The condition keeps a second run of the job, or a late progress update,
    from overwriting a state another run has already moved on from.
    """
    rows = CertificateExport.objects.filter(pk=export.pk, status=expected)
    if not rows.update(**values):
        return False
    for field, value in values.items():
        setattr(export, field, value)
    return True
