from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from certificates.issuance import issue_certificate, reissue
from certificates.linkedin import add_to_profile_url
from certificates.models import RevocationReason
from certificates.revocation import revoke
from courses.models import CoursePage
from tests.factories import CoursePageFactory, UserFactory, approved_company

LIMA = ZoneInfo("America/Lima")

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(person, course):
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.refresh_from_db()
    return issue_certificate(
        person=person, course=course, issued_on=date(2026, 11, 22), score=90
    )


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("certificates:my_certificates"))
    assert response.url.startswith(reverse("account_login"))


def test_it_lists_the_holders_certificates_with_their_links(
    learner_client, certificate
):
    html = learner_client.get(reverse("certificates:my_certificates")).content.decode()
    assert certificate.code in html
    assert f'value="{certificate.verification_url()}"' in html
    assert reverse("certificates:download_pdf", args=[certificate.code]) in html
    assert "22/11/2026" in html and "21/11/2028" in html
    assert "linkedin.com/profile/add" in html
    assert f"/api/v1/certificates/{certificate.code}/credential" in html


def test_nobody_else_sees_or_downloads_the_certificate(client, stranger, certificate):
    client.force_login(stranger)
    html = client.get(reverse("certificates:my_certificates")).content.decode()
    assert certificate.code not in html
    response = client.get(reverse("certificates:download_pdf", args=[certificate.code]))
    assert response.status_code == 404


def test_the_pdf_is_rendered_once_then_served_from_storage(learner_client, certificate):
    url = reverse("certificates:download_pdf", args=[certificate.code])
    first = learner_client.get(url)
    assert first["Content-Type"] == "application/pdf"
    assert f'filename="{certificate.code}.pdf"' in first["Content-Disposition"]
    body = b"".join(first.streaming_content)
    certificate.refresh_from_db()
    stored_name = certificate.pdf.name
    second = b"".join(learner_client.get(url).streaming_content)
    certificate.refresh_from_db()
    assert body.startswith(b"%PDF") and second == body
    assert certificate.pdf.name == stored_name


def test_the_linkedin_link_carries_the_certification(certificate):
    query = parse_qs(urlsplit(add_to_profile_url(certificate)).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [certificate.certificate_title]
    assert query["organizationName"] == ["Gobierno Regional de Cajamarca"]
    assert (query["issueYear"], query["issueMonth"]) == (["2026"], ["11"])
    assert (query["expirationYear"], query["expirationMonth"]) == (["2028"], ["11"])
    assert query["certId"] == [certificate.code]
    assert query["certUrl"] == [certificate.verification_url()]


def test_the_list_costs_the_same_queries_for_many_certificates(
    learner_client, person, catalogue, django_assert_max_num_queries
):
    def issue_one(n):
        issue_certificate(
            person=person,
            course=CoursePageFactory(parent=catalogue, title=f"Curso {n}"),
            issued_on=date(2026, 11, 22),
            score=80,
        )

    issue_one(0)
    with django_assert_max_num_queries(8) as few:
        learner_client.get(reverse("certificates:my_certificates"))
    for n in range(1, 15):
        issue_one(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        learner_client.get(reverse("certificates:my_certificates"))


# Statuses in words, and a company's certificates as the company's


def card_of(html: str, code: str) -> str:
    start = html.index(f'id="certificado-{code}"')
    return html[start : html.index("</li>", start)]


def my_certificates_page(client) -> str:
    return client.get(reverse("certificates:my_certificates")).content.decode()


def test_a_valid_certificate_says_until_when(learner, client, certificate):
    with time_machine.travel(datetime(2027, 1, 5, 12, tzinfo=LIMA), tick=False):
        client.force_login(learner)
        card = card_of(my_certificates_page(client), certificate.code)
    assert "Vigente · vence el 21/11/2028" in card


def test_an_expired_certificate_says_since_when(learner, client, certificate):
    with time_machine.travel(datetime(2029, 1, 5, 12, tzinfo=LIMA), tick=False):
        client.force_login(learner)
        card = card_of(my_certificates_page(client), certificate.code)
    assert "Vencido el 21/11/2028" in card
    assert "linkedin.com" not in card


def test_a_revoked_certificate_says_so(learner_client, certificate):
    revoke(
        certificate=certificate,
        reason=RevocationReason.ISSUED_IN_ERROR,
        by=UserFactory(),
        now=datetime(2026, 12, 1, 12, tzinfo=LIMA),
    )
    card = card_of(my_certificates_page(learner_client), certificate.code)
    assert "Revocado el 01/12/2026" in card
    assert "linkedin.com" not in card


def test_a_replaced_certificate_names_its_replacement(learner_client, certificate):
    replacement = reissue(
        certificate=certificate,
        by=UserFactory(),
        now=datetime(2026, 12, 1, 12, tzinfo=LIMA),
    )
    html = my_certificates_page(learner_client)
    card = card_of(html, certificate.code)
    assert f"Reemplazado por {replacement.code}" in card
    assert f'href="#certificado-{replacement.code}"' in card
    assert "Vigente" in card_of(html, replacement.code)


@pytest.fixture
def company_certificate(person, course):
    company = approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123, San Ignacio",
        representative=person,
    )
    return issue_certificate(
        person=person,
        course=course,
        company=company,
        issued_on=date(2026, 11, 22),
        score=90,
    )


def test_a_company_certificate_is_shown_apart_as_the_companys(
    learner_client, certificate, company_certificate
):
    html = my_certificates_page(learner_client)
    own, company = html.split("Certificados de las empresas que usted representa")
    assert certificate.code in own and company_certificate.code not in own
    card = card_of(company, company_certificate.code)
    assert "Titular: Cafetalera San Ignacio S.A.C. (RUC 20512333797)" in card
    assert "Obtenido por medio de su representante" in card
    assert "linkedin.com" not in card
    assert add_to_profile_url(company_certificate) is None


def test_without_company_certificates_there_is_no_company_group(
    learner_client, certificate
):
    html = my_certificates_page(learner_client)
    assert "Certificados de las empresas" not in html


def test_nobody_else_sees_a_company_certificate(client, stranger, company_certificate):
    client.force_login(stranger)
    assert company_certificate.code not in my_certificates_page(client)


def test_the_list_costs_the_same_queries_with_replaced_and_company_certificates(
    learner_client,
    person,
    catalogue,
    certificate,
    company_certificate,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(8) as few:
        learner_client.get(reverse("certificates:my_certificates"))
    for n in range(6):
        reissue(
            certificate=issue_certificate(
                person=person,
                course=CoursePageFactory(parent=catalogue, title=f"Otro {n}"),
                issued_on=date(2026, 11, 22),
                score=80,
            ),
            by=UserFactory(),
            now=datetime(2026, 12, 1, 12, tzinfo=LIMA),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        learner_client.get(reverse("certificates:my_certificates"))
