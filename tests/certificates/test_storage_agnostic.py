"""Files live wherever STORAGES["default"] says: nothing needs a local path.

Production may keep them in an S3 bucket; Django's in-memory storage stands
in for any storage that is not a folder of this machine.
"""

import hashlib
import io
import zipfile
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.urls import reverse
from django.utils import timezone

from certificates.admin.exports import build_export
from certificates.delivery import deliver
from certificates.issuance import issue_certificate
from certificates.models import CertificateExport
from certificates.verification import lookup
from tests.admin_helpers import signed_in
from tests.certificates.test_pdf import pdf_text
from tests.lms.imports.test_staff_import_admin import HEADER, ROSA, confirm, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def files_in_memory(settings, tmp_path):
    """Keep every file in memory and point MEDIA_ROOT at a folder to watch."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    assert isinstance(storages["default"], InMemoryStorage)
    yield
    assert not settings.MEDIA_ROOT.exists(), "a file was written to MEDIA_ROOT"


@pytest.fixture
def certificate(person, course):
    return issue_certificate(
        person=person, course=course, issued_on=date(2026, 11, 22), score=90
    )


def test_the_holder_downloads_the_pdf_kept_in_the_storage(
    learner_client, certificate, tmp_path
):
    response = learner_client.get(
        reverse("certificates:download_pdf", args=[certificate.code])
    )

    body = b"".join(response.streaming_content)
    certificate.refresh_from_db()
    assert default_storage.exists(certificate.pdf.name)
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert "Rosa Elena Quispe Huamán" in pdf_text(body, tmp_path)


def test_the_holder_receives_the_stored_pdf_by_email(certificate):
    deliver(certificate.pk, now=timezone.now())

    [message] = mail.outbox
    [(name, data, _type)] = message.attachments
    certificate.refresh_from_db()
    assert name == f"{certificate.code}.pdf"
    assert data == certificate.pdf.read()


def test_the_integrity_check_reads_the_stored_pdf(certificate, english):
    deliver(certificate.pk, now=timezone.now())
    certificate.refresh_from_db()
    assert (
        lookup.problems(
            certificate, today=date(2026, 11, 23), keys=None, status_bits=None
        )
        == []
    )

    default_storage.delete(certificate.pdf.name)
    default_storage.save(certificate.pdf.name, io.BytesIO(b"%PDF-1.7 other"))
    certificate.refresh_from_db()

    assert lookup.problems(
        certificate, today=date(2026, 11, 23), keys=None, status_bits=None
    ) == [f"its PDF {certificate.pdf.name} is not the one issued (SHA-256 differs)"]


def test_an_export_zips_the_stored_pdfs_into_the_storage(certificate, officer):
    export = CertificateExport.objects.create(filters={}, requested_by=officer)

    build_export(export)

    export.refresh_from_db()
    certificate.refresh_from_db()
    assert export.status == CertificateExport.Status.DONE
    with export.file.open("rb") as file, zipfile.ZipFile(file) as archive:
        assert archive.read(f"{certificate.code}.pdf") == certificate.pdf.read()


@pytest.mark.usefixtures("english", "induction")
def test_a_staff_import_waits_for_its_confirmation_in_the_storage(client, hr_a):
    hr_client = signed_in(client, hr_a)
    ticket = upload(hr_client, HEADER, ROSA).context["ticket"]

    response = confirm(hr_client, ticket)

    assert response.status_code == 302
    assert "Staff imported: 1 created" in hr_client.get(response.url).text


def test_the_admin_links_the_pdf_to_a_view_not_to_the_media_folder(
    client, editor, certificate
):
    deliver(certificate.pk, now=timezone.now())
    certificate.refresh_from_db()
    pdf_url = reverse("certificates_admin:pdf", args=[certificate.pk])
    client.force_login(editor)

    inspect = client.get(reverse("certificates_admin:inspect", args=[certificate.pk]))
    response = client.get(pdf_url)

    assert f'href="{pdf_url}"' in inspect.content.decode()
    assert settings.MEDIA_URL not in inspect.content.decode()
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == certificate.pdf.read()


def test_the_admin_pdf_is_for_those_who_may_inspect_certificates(
    client, stranger, certificate
):
    deliver(certificate.pk, now=timezone.now())
    client.force_login(stranger)

    response = client.get(reverse("certificates_admin:pdf", args=[certificate.pk]))

    assert response.status_code == 302
    assert not hasattr(response, "streaming_content")
