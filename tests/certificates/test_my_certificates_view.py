from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from certificates.issuance import issue_certificate
from certificates.linkedin import add_to_profile_url
from courses.models import CoursePage
from tests.factories import CoursePageFactory

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
