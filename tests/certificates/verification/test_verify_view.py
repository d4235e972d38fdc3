import hashlib
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certificates import codes
from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from certificates.verification import lookup

pytestmark = pytest.mark.django_db

DOCUMENT = "42388604"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
# One lookup; anonymous visitors have no session, and the userbar and the
# header ask nothing of the database for them.
VERIFY_QUERIES = 1


@pytest.fixture
def english(client):
    """Ask for English pages, whose messages are the untranslated source texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def certificate(person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person,
        course=yearly_course,
        issued_on=timezone.localdate(),
        score=93,
    )


@pytest.fixture
def expired(person, yearly_course) -> Certificate:
    return issue_certificate(
        person=person, course=yearly_course, issued_on=date(2020, 1, 10), score=80
    )


@pytest.fixture
def with_pdf(certificate) -> Certificate:
    certificate.pdf_sha256 = hashlib.sha256(PDF).hexdigest()
    certificate.save(update_fields=["pdf_sha256"])
    return certificate


def page(client, code: str, **extra):
    return client.get(reverse("certificates:verify", args=[code]), **extra)


def mistyped(code: str) -> str:
    """Return the code with another check character: a typo normalise catches."""
    other = next(char for char in codes.CHECK_SYMBOLS if char != code[-1])
    return code[:-1] + other


def test_a_valid_certificate_shows_holder_course_dates_issuer_and_qr(
    client, certificate
):
    response = page(client, certificate.code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "verdict-valid" in html
    assert "Rosa Elena Quispe Huamán" in html
    assert "DNI *****604" in html
    assert "Inducción" in html
    assert "Constancia de prueba" in html
    assert certificate.issued_on.strftime("%d/%m/%Y") in html
    assert certificate.expires_on.strftime("%d/%m/%Y") in html
    assert "Gobierno Regional de Cajamarca" in html
    assert certificate.code in html
    assert "<svg" in html


def test_an_expired_certificate_says_on_which_day_it_expired(english, expired):
    html = page(english, expired.code).content.decode()
    assert "verdict-expired" in html
    assert "Expired on 09/01/2021." in html


def test_a_revoked_certificate_says_when_and_by_whom_but_not_why(
    english, certificate, stranger
):
    revoke(
        certificate=certificate,
        reason=RevocationReason.FRAUD,
        by=stranger,
        now=timezone.now(),
    )
    html = page(english, certificate.code).content.decode()
    assert "verdict-revoked" in html
    assert f"Revoked by the issuer on {timezone.localdate():%d/%m/%Y}." in html
    assert "Fraud" not in html


def test_a_superseded_certificate_links_to_its_replacement(
    english, expired, certificate
):
    Certificate.objects.filter(pk=expired.pk).update(superseded_by=certificate)
    html = page(english, expired.code).content.decode()
    assert "verdict-superseded" in html
    assert "replaced by a newer one" in html
    assert f'href="{certificate.get_absolute_url()}"' in html


def test_the_page_shows_the_masked_document_and_nothing_else_of_the_holder(
    client, certificate, learner
):
    html = page(client, certificate.code).content.decode()
    assert "DNI *****604" in html
    assert DOCUMENT not in html
    assert learner.email not in html
    assert "93%" not in html


def test_an_unknown_code_is_a_404_saying_no_certificate_has_it(english, certificate):
    response = page(english, codes.new_code(settings.CERTIFICATE_CODE_PREFIX))
    assert response.status_code == 404
    assert "There is no certificate with this code." in response.content.decode()


def test_a_mistyped_check_character_is_a_400_blaming_a_typo_without_any_query(
    english, certificate, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = page(english, mistyped(certificate.code))
        form = english.get(
            reverse("certificates:verify_form"),
            {"code": mistyped(certificate.code)},
        )
    for each in (response, form):
        assert each.status_code == 400
        assert "check the code for a typo" in each.content.decode()


def test_a_malformed_code_is_a_400_explaining_what_is_wrong(english):
    response = page(english, "GRC-1234")
    assert response.status_code == 400
    assert "16 characters" in response.content.decode()


def test_a_loosely_typed_code_redirects_permanently_to_its_canonical_spelling(
    client, certificate
):
    body = "0K3F9QXM2HDPWZ4A"
    code = f"GRC-0K3F-9QXM-2HDP-WZ4A-{codes.check_symbol(body)}"
    Certificate.objects.filter(pk=certificate.pk).update(code=code)
    loose = code.lower().replace("-", " ").replace("0", "o")
    response = page(client, loose)
    assert response.status_code == 301
    assert response.url == reverse("certificates:verify", args=[code])


def test_the_form_sends_a_well_formed_code_to_its_page(client, certificate):
    typed = certificate.code.lower().replace("-", "")
    response = client.get(reverse("certificates:verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response.url == reverse("certificates:verify", args=[certificate.code])


def test_the_empty_form_is_shown_to_a_visitor(client):
    response = client.get(reverse("certificates:verify_form"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


def test_verification_pages_ask_search_engines_not_to_index_them(client, certificate):
    responses = [
        client.get(reverse("certificates:verify_form")),
        page(client, certificate.code),
        page(client, mistyped(certificate.code)),
        page(client, codes.new_code(settings.CERTIFICATE_CODE_PREFIX)),
    ]
    for response in responses:
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert '<meta name="robots" content="noindex,nofollow">' in (
            response.content.decode()
        )


def test_too_many_verifications_from_one_address_get_a_429_with_retry_after(
    english, certificate, settings
):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "2/m/ip"
    assert page(english, certificate.code).status_code == 200
    assert page(english, certificate.code).status_code == 200
    response = page(english, certificate.code)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "Too many verifications" in response.content.decode()
    other = page(english, certificate.code, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_addresses_of_one_ipv6_network_share_their_limit(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = "1/h/ip"
    assert page(client, certificate.code, REMOTE_ADDR="2001:db8::1").status_code == 200
    response = page(client, certificate.code, REMOTE_ADDR="2001:db8::2")
    assert response.status_code == 429


def test_revocation_shows_on_the_page_at_once(
    client, certificate, stranger, django_capture_on_commit_callbacks
):
    assert "verdict-valid" in page(client, certificate.code).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        revoke(
            certificate=certificate,
            reason=RevocationReason.ISSUED_IN_ERROR,
            by=stranger,
            now=timezone.now(),
        )
    assert "verdict-revoked" in page(client, certificate.code).content.decode()


def test_an_uploaded_copy_of_the_issued_pdf_is_identical(english, with_pdf):
    html = page(english, with_pdf.code).content.decode()
    assert with_pdf.pdf_sha256 in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    response = english.post(
        reverse("certificates:verify", args=[with_pdf.code]),
        {"pdf": SimpleUploadedFile("constancia.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 200
    assert "The file is identical to the one issued." in response.content.decode()


def test_a_pdf_with_one_changed_byte_is_not_the_issued_one(english, with_pdf):
    changed = PDF.replace(b"Catalog", b"Catalof")
    response = english.post(
        reverse("certificates:verify", args=[with_pdf.code]),
        {"pdf": SimpleUploadedFile("constancia.pdf", changed, "application/pdf")},
    )
    assert "The file is NOT the one issued" in response.content.decode()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 a zip, not a PDF", "The file is not a PDF."),
        (b"%PDF" + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_uploads_that_cannot_be_the_pdf_are_rejected(
    english, with_pdf, content, message
):
    response = english.post(
        reverse("certificates:verify", args=[with_pdf.code]),
        {"pdf": SimpleUploadedFile("constancia.pdf", content, "application/pdf")},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "identical" not in html


def test_a_certificate_without_a_pdf_fingerprint_offers_no_upload(client, certificate):
    html = page(client, certificate.code).content.decode()
    assert 'type="file"' not in html


def test_the_page_costs_the_same_few_queries_cached_or_not(
    client, with_pdf, django_assert_max_num_queries
):
    with django_assert_max_num_queries(VERIFY_QUERIES):
        page(client, with_pdf.code)
    with django_assert_max_num_queries(VERIFY_QUERIES):
        client.post(
            reverse("certificates:verify", args=[with_pdf.code]),
            {"pdf": SimpleUploadedFile("constancia.pdf", PDF, "application/pdf")},
        )


def test_10000_random_well_formed_codes_find_nothing_at_one_query_each(
    certificate, expired
):
    guesses = [codes.new_code(settings.CERTIFICATE_CODE_PREFIX) for _n in range(10_000)]
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert not any(lookup.lookup(code) for code in guesses)
    assert len(queries) == len(guesses)


def test_lookup_remembers_nothing_between_requests(certificate):
    assert lookup.lookup(certificate.code) == certificate
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Otra")
    assert lookup.lookup(certificate.code).holder_name == "Otra"
    fresh = codes.new_code(settings.CERTIFICATE_CODE_PREFIX)
    assert lookup.lookup(fresh) is None
    Certificate.objects.filter(pk=certificate.pk).update(code=fresh)
    assert lookup.lookup(fresh) == certificate


@pytest.mark.parametrize(
    ("rate", "expected"), [("30/m/ip", (30, 60)), ("100/5m", (100, 300))]
)
def test_the_rate_limit_setting_reads_allauths_notation(rate, expected):
    assert lookup.parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["30/m/user", "30", "many/m", "30/w/ip"])
def test_a_rate_limit_setting_it_cannot_read_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured):
        lookup.parse_rate(rate)
