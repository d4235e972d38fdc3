from datetime import date

import pytest
from django.conf import settings
from django.utils import timezone

from certificates import codes
from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke

pytestmark = pytest.mark.django_db

DOCUMENT = "42388604"


@pytest.fixture
def english(client):
    """Ask for English answers, whose messages are the untranslated source texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def certificate(person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person, course=yearly_course, issued_on=date(2026, 3, 9), score=93
    )


@pytest.fixture
def expired(person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person, course=yearly_course, issued_on=date(2020, 1, 10), score=80
    )


def fetch(client, code: str, **extra):
    return client.get(f"/api/v1/certificates/{code}", **extra)


@pytest.fixture
def today_is_in_2026(time_machine):
    time_machine.move_to(date(2026, 11, 22))


@pytest.mark.usefixtures("today_is_in_2026")
def test_a_valid_certificate_is_described_with_public_details_only(client, certificate):
    certificate.pdf_sha256 = "ab" * 32
    certificate.save(update_fields=["pdf_sha256"])
    response = fetch(client, certificate.code)
    assert response.status_code == 200
    assert response.json() == {
        "code": certificate.code,
        "status": "valid",
        "holder_name": "Rosa Elena Quispe Huamán",
        "holder_document": "DNI *****604",
        "course_title": "Inducción",
        "certificate_title": "Constancia de prueba",
        "hours": 2.0,
        "issued_on": "2026-03-09",
        "expires_on": "2027-03-08",
        "revoked_on": None,
        "issuer_name": "Gobierno Regional de Cajamarca",
        "verification_url": certificate.verification_url(),
        "pdf_sha256": "ab" * 32,
    }


def test_the_full_document_number_never_leaves_the_api(client, certificate):
    body = fetch(client, certificate.code).content.decode()
    assert DOCUMENT not in body
    assert "rosa@example.pe" not in body
    assert "93" not in body.replace(certificate.code, "")


def test_an_expired_certificate_gives_its_expiry_date(client, expired):
    data = fetch(client, expired.code).json()
    assert data["status"] == "expired"
    assert data["expires_on"] == "2021-01-09"


def test_a_revoked_certificate_gives_the_day_and_not_the_reason(
    client, certificate, stranger
):
    revoke(
        certificate=certificate,
        reason=RevocationReason.DATA_CORRECTION,
        by=stranger,
        now=timezone.now(),
    )
    data = fetch(client, certificate.code).json()
    assert data["status"] == "revoked"
    assert data["revoked_on"] == timezone.localdate().isoformat()
    assert "revocation_reason" not in data


def test_a_superseded_certificate_says_so_and_names_no_successor(
    client, expired, certificate
):
    Certificate.objects.filter(pk=expired.pk).update(superseded_by=certificate)
    response = fetch(client, expired.code)
    assert response.json()["status"] == "superseded"
    assert certificate.code not in response.content.decode()


def test_a_loosely_typed_code_is_answered_with_the_canonical_one(client, certificate):
    typed = certificate.code.lower().replace("-", "")
    assert fetch(client, typed).json()["code"] == certificate.code


def test_an_unknown_code_is_a_404_with_a_detail(english, certificate):
    response = fetch(english, codes.new_code(settings.CERTIFICATE_CODE_PREFIX))
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no certificate with this code."}


def test_a_mistyped_code_is_a_400_with_the_reason_and_no_query(
    english, certificate, django_assert_num_queries
):
    other = next(c for c in codes.CHECK_SYMBOLS if c != certificate.code[-1])
    with django_assert_num_queries(0):
        response = fetch(english, certificate.code[:-1] + other)
    assert response.status_code == 400
    assert "check the code for a typo" in response.json()["detail"]


def test_too_many_requests_from_one_address_get_a_429_with_retry_after(
    client, certificate, settings
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "3/m/ip"
    for _n in range(3):
        assert fetch(client, certificate.code).status_code == 200
    response = fetch(client, certificate.code)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["detail"]


def test_the_page_and_the_api_share_one_limit(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "1/m/ip"
    client.get(certificate.get_absolute_url())
    assert fetch(client, certificate.code).status_code == 429


def test_answers_ask_search_engines_not_to_index_them(client, certificate):
    assert fetch(client, certificate.code)["X-Robots-Tag"] == "noindex, nofollow"


def test_the_openapi_document_lists_the_certificate_path(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/certificates/{code}"]["get"]
    assert set(operation["responses"]) == {"200", "400", "404", "429"}
    assert document["info"]["title"] == "Integridad Cajamarca"
