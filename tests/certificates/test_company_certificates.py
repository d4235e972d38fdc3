"""A company's certificate: earned through its representative and its people,
issued and delivered like a person's, printed, verified and re-issued in the
company's name."""

from __future__ import annotations

import re
import threading
from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate, reissue
from certificates.models import Certificate, Status
from certificates.signing import credentials
from courses.models import Audience, CoursePage
from lms.learning.completions import record_completion
from lms.models import Company, CompanyMember, Enrolment, Person
from tests.certificates.signing.test_credentials import payload_of
from tests.certificates.test_completion_issues_certificate import pass_the_assessment
from tests.certificates.test_pdf import pdf_text, poppler, saved
from tests.factories import UserFactory, approved_company

pytestmark = pytest.mark.django_db

RUC = "20512333797"
LEGAL_NAME = "Cafetalera San Ignacio S.A.C."


@pytest.fixture
def business_course(course) -> CoursePage:
    """The course as the business course: two of a company's people must pass."""
    CoursePage.objects.filter(pk=course.pk).update(
        audience=Audience.BUSINESSES, company_completions_required=2
    )
    return CoursePage.objects.get(pk=course.pk)


@pytest.fixture
def company(person) -> Company:
    """The learner (Rosa, with her DNI) represents the company."""
    return approved_company(
        ruc=RUC,
        legal_name=LEGAL_NAME,
        address="Jr. Amazonas 123, San Ignacio",
        representative=person,
    )


@pytest.fixture
def colleague(company, business_course):
    """A colleague who joined the company and is enrolled in the course."""
    user = UserFactory(first_name="Luis", last_name="Tapia", email="luis@empresa.pe")
    person = Person.objects.create(
        user=user,
        document_number="45678912",
        first_names="Luis Alberto",
        last_names="Tapia Chávez",
    )
    now = timezone.now()
    CompanyMember.objects.create(
        company=company,
        email=user.email,
        invited_at=now,
        invited_by=company.representative.user,
        person=person,
        joined_at=now,
    )
    return Enrolment.objects.create(user=user, course=business_course)


def complete(enrolment: Enrolment, capture) -> None:
    """Record a completion as the course does, running what follows its commit."""
    with capture(execute=True):
        record_completion(enrolment=enrolment, score=80, now=timezone.now())


@pytest.fixture
def company_certificate(
    learner_client,
    business_course,
    lessons_read,
    colleague,
    django_capture_on_commit_callbacks,
) -> Certificate:
    """The colleague passed first, then the representative: the company earns it."""
    complete(colleague, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    return Certificate.objects.get(company__isnull=False)


def test_the_representative_passing_last_earns_the_company_its_certificate(
    company_certificate, company, person, business_course
):
    assert company_certificate.company == company
    assert company_certificate.person == person
    assert company_certificate.course == business_course
    assert company_certificate.holder_name == LEGAL_NAME
    assert company_certificate.holder_document == f"RUC {RUC}"
    assert company_certificate.representative_name == "Rosa Elena Quispe Huamán"
    assert company_certificate.completion is None
    assert company_certificate.status(today=timezone.localdate()) == Status.VALID
    # Her own certificate is hers, apart from the company's.
    own = Certificate.objects.get(person=person, company=None)
    assert own.holder_name == "Rosa Elena Quispe Huamán"
    assert own.holder_document == "DNI *****604"
    assert own.completion.enrolment == Enrolment.objects.get(
        user=person.user, course=business_course
    )
    assert own.code != company_certificate.code


def test_the_company_certificate_is_delivered_to_the_representative(
    company_certificate,
):
    assert company_certificate.pdf_sha256
    assert company_certificate.pdf.read().startswith(b"%PDF")
    sent = {message.attachments[0][0]: message for message in mail.outbox}
    message = sent[f"{company_certificate.code}.pdf"]
    assert message.to == ["rosa@example.pe"]
    # The representative is greeted, and told whose certificate it is.
    assert "Rosa Elena Quispe Huamán" in message.body.splitlines()[0]
    assert LEGAL_NAME in message.body


def test_no_company_certificate_before_enough_people_pass(
    learner_client,
    business_course,
    lessons_read,
    colleague,
    person,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    assert Certificate.objects.get().company is None
    assert Certificate.objects.get().person == person

    # The colleague's completion is the one that was missing.
    complete(colleague, django_capture_on_commit_callbacks)
    company_certificate = Certificate.objects.get(company__isnull=False)
    assert company_certificate.holder_name == LEGAL_NAME
    assert company_certificate.person == person
    assert Certificate.objects.filter(company=None).count() == 2


def test_no_company_certificate_while_the_representative_has_not_passed(
    business_course, company, colleague, django_capture_on_commit_callbacks
):
    CoursePage.objects.filter(pk=business_course.pk).update(
        company_completions_required=1
    )
    complete(colleague, django_capture_on_commit_callbacks)
    assert not Certificate.objects.filter(company=company).exists()
    assert Certificate.objects.filter(company=None).count() == 1


def test_a_further_completion_returns_the_company_certificate_not_another(
    company_certificate, colleague, django_capture_on_commit_callbacks
):
    complete(colleague, django_capture_on_commit_callbacks)
    assert Certificate.objects.filter(company__isnull=False).get() == (
        company_certificate
    )


def test_another_course_earns_no_company_certificate(
    learner_client, lessons_read, company, django_capture_on_commit_callbacks
):
    """The learner's course stays a course for public servants here."""
    with django_capture_on_commit_callbacks(execute=True):
        pass_the_assessment(learner_client, lessons_read)
    assert Certificate.objects.get().company is None


def test_the_pdf_awards_it_to_the_company_through_its_representative(
    company_certificate, tmp_path
):
    pdf = company_certificate.pdf.read()
    text = pdf_text(pdf, tmp_path)
    info = poppler("pdfinfo", saved(pdf, tmp_path))
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE)
    assert f"Se otorga a la empresa {LEGAL_NAME} RUC {RUC}" in text
    assert "a través de su representante Rosa Elena Quispe Huamán" in text
    assert "DNI" not in text


def test_a_persons_pdf_names_no_company(company_certificate, person, tmp_path):
    own = Certificate.objects.get(person=person, company=None)
    text = pdf_text(own.pdf.read(), tmp_path)
    assert "Se otorga a Rosa Elena Quispe Huamán DNI *****604" in text
    assert "empresa" not in text
    assert "representante" not in text


def test_the_verification_page_shows_the_company_and_its_representative(
    client, english, company_certificate
):
    response = client.get(
        reverse("certificates:verify", args=[company_certificate.code])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Holder company" in page
    assert LEGAL_NAME in page
    assert RUC in page
    assert "Through its representative" in page
    assert "Rosa Elena Quispe Huamán" in page
    assert "Identity document" not in page


def test_the_json_names_the_company_and_a_persons_has_no_company(
    client, company_certificate, person
):
    answer = client.get(f"/api/v1/certificates/{company_certificate.code}").json()
    assert answer["holder_name"] == LEGAL_NAME
    assert answer["holder_document"] == f"RUC {RUC}"
    assert answer["company"] == {
        "legal_name": LEGAL_NAME,
        "ruc": RUC,
        "representative": "Rosa Elena Quispe Huamán",
    }
    own = Certificate.objects.get(person=person, company=None)
    assert "company" not in client.get(f"/api/v1/certificates/{own.code}").json()


def test_the_signed_credential_names_the_company(
    settings, tmp_path, company_certificate
):
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    call_command("create_issuer_key", stdout=StringIO())
    token = credentials.signed_credential(company_certificate)
    subject = payload_of(token)["credentialSubject"]
    assert LEGAL_NAME in str(subject)
    assert "DNI" not in str(subject)


def test_reissue_keeps_the_company_with_its_current_details(
    company_certificate, company, integrity_officer, django_capture_on_commit_callbacks
):
    renamed = "Cafetalera San Ignacio SAC"
    Company.objects.filter(pk=company.pk).update(legal_name=renamed)
    Person.objects.filter(pk=company.representative_id).update(
        first_names="Rosa Elena María"
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(
            certificate=company_certificate, by=integrity_officer, now=timezone.now()
        )
    new.refresh_from_db()
    assert new.company == company
    assert new.holder_name == renamed
    assert new.holder_document == f"RUC {RUC}"
    assert new.representative_name == "Rosa Elena María Quispe Huamán"
    assert new.period == company_certificate.period + 1
    assert new.pdf_sha256
    company_certificate.refresh_from_db()
    assert company_certificate.superseded_by == new
    # The representative's own certificate is untouched and still current.
    own = Certificate.objects.get(person=company.representative, company=None)
    assert own.superseded_by is None
    assert own.period == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent PostgreSQL connections; set DATABASE_URL (CI does)",
)
@pytest.mark.parametrize("repeat", range(3))
def test_two_completions_at_once_make_one_company_certificate(
    company, business_course, repeat
):
    barrier = threading.Barrier(2)
    issued: list[str] = []

    def complete() -> None:
        barrier.wait()
        try:
            certificate = issue_certificate(
                person=company.representative,
                company=company,
                course=business_course,
                issued_on=date(2026, 11, 22),
                score=None,
            )
            issued.append(certificate.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert issued == [Certificate.objects.get(company=company).code] * 2
