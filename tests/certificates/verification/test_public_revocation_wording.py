"""Publicly a revocation is neutral: when, by the issuer; why is for staff only."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.pdf import render_certificate_pdf
from certificates.revocation import revoke
from certificates.signing import credentials
from tests.certificates.signing.test_credentials import payload_of
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("America/Lima"))
# Any trace of the reason category, in Spanish or in English.
REASON_WORDS = ["fraud", "falta en la evaluación", "misconduct"]


@pytest.fixture(autouse=True)
def today(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def revoked(settings, tmp_path, person, yearly_course, stranger) -> Certificate:
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    call_command("create_issuer_key", stdout=StringIO())
    certificate = issue_certificate(
        person=person, course=yearly_course, issued_on=date(2026, 3, 9), score=93
    )
    mail.outbox.clear()
    return revoke(
        certificate=certificate, reason=RevocationReason.FRAUD, by=stranger, now=NOW
    )


def assert_neutral(text: str) -> None:
    for word in REASON_WORDS:
        assert word not in text.lower()


def test_the_page_says_revoked_by_the_issuer_on_the_day_and_nothing_more(
    client, revoked
):
    html = client.get(revoked.get_absolute_url()).content.decode()
    assert "Revocado por la entidad emisora el 22/11/2026." in html
    assert_neutral(html)


def test_the_json_answer_gives_the_day_only(client, revoked):
    response = client.get(f"/api/v1/certificates/{revoked.code}")
    assert response.json()["revoked_on"] == "2026-11-22"
    assert "revocation_reason" not in response.json()
    assert_neutral(response.content.decode())


def test_the_openapi_document_names_no_reason_category(client):
    schema = client.get("/api/v1/openapi.json").content.decode()
    assert "revocation_reason" not in schema
    for reason in RevocationReason:
        assert f'"{reason.value}"' not in schema
    assert_neutral(schema)


def test_the_credential_and_the_pdf_say_no_reason(revoked):
    assert_neutral(str(payload_of(credentials.signed_credential(revoked))))
    assert_neutral(pdf_text(render_certificate_pdf(revoked)))


def test_nobody_is_e_mailed_the_reason(revoked):
    assert_neutral(" ".join(f"{m.subject} {m.body}" for m in mail.outbox))
