"""`verify_certificates`: every certificate checked as the public verification
checks it, what fails named, and a non-zero exit code if anything does."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from certificates.delivery import store_pdf
from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from certificates.signing import status_list
from tests.certificates.conftest import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    call_command("create_issuer_key", stdout=StringIO())
    return settings.CERTIFICATE_KEYS_DIR


@pytest.fixture
def issued(keys_dir, yearly_course, stranger) -> list[Certificate]:
    """A valid certificate, an expired one and a revoked one, PDFs stored."""
    first, second, third = people(3)
    certificates = [
        issue_certificate(person=person, course=yearly_course, issued_on=day, score=90)
        for person, day in (
            (first, timezone.localdate()),
            (second, date(2020, 3, 9)),
            (third, timezone.localdate()),
        )
    ]
    for certificate in certificates:
        store_pdf(certificate)
    revoke(
        certificate=certificates[2],
        reason=RevocationReason.FRAUD,
        by=stranger,
        now=certificates[2].created_at,
    )
    return certificates


def verify_certificates() -> tuple[int, str, str]:
    """Run the command; return its exit code and what it printed."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_certificates", stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_certificates_as_issued_all_verify(issued, english):
    code, out, err = verify_certificates()

    assert code == 0, err
    assert out.splitlines() == [
        "Valid: 1",
        "Expired: 1",
        "Revoked: 1",
        "Superseded: 0",
        "All 3 certificates verify.",
    ]


def test_a_missing_or_changed_pdf_fails_and_is_named(issued, english):
    missing, changed, _revoked = issued
    missing.pdf.storage.delete(missing.pdf.name)
    changed.pdf.storage.delete(changed.pdf.name)
    changed.pdf.storage.save(changed.pdf.name, ContentFile(b"%PDF-1.7 forged"))

    code, out, err = verify_certificates()

    assert code == 1
    assert err.splitlines() == [
        f"{missing.code}: its PDF {missing.pdf.name} is missing",
        f"{changed.code}: its PDF {changed.pdf.name} is not the one issued "
        "(SHA-256 differs)",
    ]
    assert "2 of 3 certificates fail verification." in out


def test_a_certificate_without_a_pdf_yet_still_verifies(keys_dir, person, course):
    issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=90
    )

    assert verify_certificates()[0] == 0


def test_without_signing_keys_credentials_fail(issued, keys_dir, english):
    for key in keys_dir.iterdir():
        key.unlink()

    code, out, err = verify_certificates()

    assert code == 1
    assert (
        f"Signed credentials cannot be served: No issuer signing key in {keys_dir}"
        in (err)
    )
    assert "Signed credentials were not checked." in out


def test_a_status_list_that_misses_a_revocation_fails(issued, english):
    revoked = issued[2]
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=None)
    stale = status_list.signed_status_list()  # as a cache might still hold it
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=revoked.revoked_at)
    cache.set(status_list.CACHE_KEY, stale)

    code, _out, err = verify_certificates()

    assert code == 1
    assert err.splitlines() == [
        f"{revoked.code}: its signed credential reads “valid”, not “revoked”"
    ]
