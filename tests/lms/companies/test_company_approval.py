"""Proof of representation: a company counts only once the integrity officer
approves it, and a stranger's request never locks the real company out."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from certificates.models import Certificate
from lms.companies import registration as companies_registration
from lms.companies.registration import MAX_PROOF_BYTES
from lms.learning.completions import record_completion
from lms.models import Company, CompanyMember, CompanyStatus, Enrolment, ProofKind
from tests.admin_helpers import is_denied, signed_in
from tests.lms.companies.test_companies import (
    EARLIER,
    business_course_fixture,  # noqa: F401 (fixture)
    company_fixture,  # noqa: F401 (fixture)
    pdf_proof,
    person_with_account,
    registration,
    representative_fixture,  # noqa: F401 (fixture)
)
from tests.lms.companies.test_company_views import registration_form

pytestmark = pytest.mark.django_db

RUC = "20554133470"
REGISTRY = reverse("companies:registry")
PAGE = reverse("companies:detail", args=[RUC])
# A Windows program's first bytes, whatever its name says.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def request_by(person, **fields) -> Company:
    return companies_registration.register_company(
        user=person.user, **registration(**fields)
    )


@pytest.fixture
def stranger_request(business_course):
    """Someone who is not the company's representative asks for its RUC."""
    return request_by(person_with_account(email="impostor@example.pe"))


@pytest.fixture
def officer_client(integrity_officer):
    """The officer's own browser, apart from the representative's `client`."""
    return signed_in(Client(), integrity_officer)


def decide(client, action: str, company: Company, data=None):
    url = reverse(f"lms_companies:{action}", args=[company.pk])
    return client.post(url, data or {})


# A stranger's request


def complete(person, course, capture) -> None:
    """Pass the course as a learner does, running what follows the commit."""
    enrolment, _created = Enrolment.objects.get_or_create(
        user=person.user, course=course
    )
    with capture(execute=True):
        record_completion(enrolment=enrolment, score=80, now=timezone.now())


def test_a_strangers_request_is_not_listed_nor_earns_a_certificate(
    client, stranger_request, business_course, django_capture_on_commit_callbacks
):
    complete(
        stranger_request.representative,
        business_course,
        django_capture_on_commit_callbacks,
    )
    # The stranger's own certificate, and none in the company's name.
    assert Certificate.objects.get().company is None
    assert RUC not in client.get(REGISTRY).content.decode()
    assert client.get(PAGE).status_code == 404


def test_a_company_in_review_cannot_hold_a_certificate(
    stranger_request, business_course
):
    with pytest.raises(ValueError):
        issue_certificate(
            person=stranger_request.representative,
            company=stranger_request,
            course=business_course,
            issued_on=timezone.localdate(),
            score=None,
        )
    assert not Certificate.objects.exists()


def test_the_real_company_may_still_ask_for_its_ruc(stranger_request):
    real = request_by(person_with_account(email="gerente@minera.pe"))
    assert {stranger_request.status, real.status} == {CompanyStatus.PENDING}
    assert Company.objects.filter(ruc=RUC).count() == 2


def test_the_database_allows_one_approved_company_per_ruc(stranger_request):
    real = request_by(person_with_account())
    Company.objects.filter(pk=real.pk).update(
        status=CompanyStatus.APPROVED, reviewed_at=timezone.now()
    )
    with pytest.raises(IntegrityError):
        Company.objects.filter(pk=stranger_request.pk).update(
            status=CompanyStatus.APPROVED, reviewed_at=timezone.now()
        )


def test_the_representative_sees_en_revision(client, stranger_request):
    client.force_login(stranger_request.representative.user)
    html = client.get(PAGE).content.decode()
    assert "En revisión" in html
    assert stranger_request.proof.name not in html
    assert "/media/" not in html


# Approval


def test_approval_lists_the_company_and_rejects_its_rivals(
    client,
    officer_client,
    stranger_request,
    integrity_officer,
    trail,
):
    real = request_by(person_with_account(email="gerente@minera.pe"))
    response = decide(officer_client, "approve", real)
    assert response.status_code == 302
    real.refresh_from_db()
    stranger_request.refresh_from_db()
    assert real.status == CompanyStatus.APPROVED
    assert real.reviewed_by == integrity_officer
    assert stranger_request.status == CompanyStatus.REJECTED
    assert [line["company_id"] for line in trail.of("company_approved")] == [real.pk]
    assert [line["company_id"] for line in trail.of("company_rejected")] == [
        stranger_request.pk
    ]
    assert trail.of("company_approved")[0]["user_id"] == integrity_officer.pk
    # The stranger is now told the RUC is taken, and cannot ask again.
    with pytest.raises(companies_registration.CompanyError):
        companies_registration.resubmit_proof(
            company=stranger_request,
            proof=pdf_proof(),
            proof_kind=ProofKind.RUC_RECORD,
            by=stranger_request.representative.user,
            now=timezone.now(),
        )
    assert client.get(PAGE).context["company"] == real


def test_completions_in_review_earn_the_certificate_on_approval(
    stranger_request,
    business_course,
    integrity_officer,
    django_capture_on_commit_callbacks,
):
    real = request_by(person_with_account())
    complete(real.representative, business_course, django_capture_on_commit_callbacks)
    assert not Certificate.objects.filter(company=real).exists()
    with django_capture_on_commit_callbacks(execute=True):
        companies_registration.approve_company(
            company=real, by=integrity_officer, now=timezone.now()
        )
    certificate = Certificate.objects.get(company=real)
    assert certificate.holder_document == f"RUC {RUC}"
    assert not Certificate.objects.filter(company=stranger_request).exists()


def test_the_registry_lists_a_holder_once_approved(client, business_course):
    request = request_by(person_with_account())
    Certificate.objects.create(
        code="EMP-1",
        person=request.representative,
        course=business_course,
        period=1,
        company=request,
        holder_name=request.legal_name,
        certificate_title="Empresa por la Integridad",
        course_title=business_course.title,
        hours=2,
        issued_on=timezone.localdate(),
    )
    assert request.legal_name not in client.get(REGISTRY).content.decode()
    Company.objects.filter(pk=request.pk).update(
        status=CompanyStatus.APPROVED, reviewed_at=timezone.now()
    )
    assert request.legal_name in client.get(REGISTRY).content.decode()


def test_correcting_fixes_the_data_and_approves(
    officer_client,
    stranger_request,
    trail,
):
    response = decide(
        officer_client,
        "correct",
        stranger_request,
        {"legal_name": "Minera Íntegra S.A.A.", "address": "Jr. Lima 5, Cajamarca"},
    )
    assert response.status_code == 302
    stranger_request.refresh_from_db()
    assert stranger_request.legal_name == "Minera Íntegra S.A.A."
    assert stranger_request.status == CompanyStatus.APPROVED
    [line] = trail.of("company_corrected_and_approved")
    assert line["corrected"] == ["address", "legal_name"]


# Rejection


def test_a_rejection_shows_its_reason_and_takes_a_new_proof(
    client,
    officer_client,
    stranger_request,
    trail,
):
    reason = "La vigencia de poder no lo nombra como representante."
    response = decide(officer_client, "reject", stranger_request, {"reason": reason})
    assert response.status_code == 302
    [line] = trail.of("company_rejected")
    assert reason not in trail.text  # free text stays out of the trail
    client.force_login(stranger_request.representative.user)
    html = client.get(PAGE).content.decode()
    assert "rechazó su prueba de representación" in html
    assert reason in html
    response = client.post(
        reverse("companies:upload_proof", args=[RUC]),
        {"proof_kind": ProofKind.RUC_RECORD, "proof": pdf_proof("ficha.pdf")},
    )
    assert response.status_code == 302
    stranger_request.refresh_from_db()
    assert stranger_request.status == CompanyStatus.PENDING
    assert stranger_request.proof_kind == ProofKind.RUC_RECORD
    assert trail.of("company_proof_uploaded")
    assert "En revisión" in client.get(PAGE).content.decode()


def test_the_representatives_are_told_the_decision_by_email(
    stranger_request,
    integrity_officer,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    real = request_by(person_with_account(email="gerente@minera.pe"))
    with django_capture_on_commit_callbacks(execute=True):
        companies_registration.approve_company(
            company=real, by=integrity_officer, now=timezone.now()
        )
    sent = {message.to[0]: message for message in mailoutbox}
    assert "aprobada" in sent["gerente@minera.pe"].subject
    rejected = sent["impostor@example.pe"]
    assert "rechazada" in rejected.subject
    assert "aprobó a otro representante para este RUC" in rejected.body
    assert PAGE in rejected.body


def test_the_officer_finds_the_requests_in_review(officer_client, stranger_request):
    html = officer_client.get(reverse("lms_companies:index")).content.decode()
    assert stranger_request.legal_name in html
    assert reverse("lms_companies:approve", args=[stranger_request.pk]) in html
    page = officer_client.get(
        reverse("lms_companies:approve", args=[stranger_request.pk])
    ).content.decode()
    assert reverse("lms_companies:proof", args=[stranger_request.pk]) in page
    assert stranger_request.representative.document_number in page


def test_a_rejection_needs_a_reason(officer_client, stranger_request):
    response = decide(officer_client, "reject", stranger_request, {"reason": "  "})
    assert response.status_code == 400
    stranger_request.refresh_from_db()
    assert stranger_request.status == CompanyStatus.PENDING


# The proof: its type, its size, who may read it


@pytest.mark.parametrize(
    ("content", "name"),
    [(EXE, "vigencia.pdf"), (b"<html><script>", "ficha.png")],
)
def test_a_file_that_is_not_a_document_is_refused(
    client, representative, content, name
):
    client.force_login(representative.user)
    response = client.post(
        reverse("companies:register"),
        registration_form(proof=pdf_proof(name, content)),
    )
    assert response.status_code == 200
    assert "no es un documento PDF, JPEG o PNG" in response.content.decode()
    assert not Company.objects.exists()


def test_an_oversized_proof_is_refused(client, representative):
    client.force_login(representative.user)
    big = b"%PDF-1.7\n" + b"0" * MAX_PROOF_BYTES
    response = client.post(
        reverse("companies:register"), registration_form(proof=pdf_proof("g.pdf", big))
    )
    assert "pesa más de 5 MB" in response.content.decode()
    assert not Company.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(client, representative):
    client.force_login(representative.user)
    huge = b"%PDF-1.7\n" + b"0" * (MAX_PROOF_BYTES + 100_000)
    response = client.post(
        reverse("companies:register"),
        registration_form(proof=pdf_proof("g.pdf", huge)),
    )
    assert response.status_code == 413
    assert "no se leyó y no se guardó nada" in response.content.decode()
    assert not Company.objects.exists()


def test_the_proof_is_stored_under_an_unguessable_name(stranger_request):
    name = stranger_request.proof.name
    assert name.startswith("representacion/") and name.endswith(".pdf")
    assert "poder" not in name


def test_the_officer_reads_the_proof(officer_client, stranger_request, trail):
    response = officer_client.get(
        reverse("lms_companies:proof", args=[stranger_request.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert trail.of("company_proof_viewed")


def test_another_representative_and_anonymous_cannot_read_the_proof(
    client, company, stranger_request, hr_a
):
    url = reverse("lms_companies:proof", args=[stranger_request.pk])
    # Anonymous, then the representative of an approved company (A) asking
    # for B's proof: both sent to log in, as the admin sends anyone not staff.
    for user in (None, company.representative.user):
        if user:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    # Staff without the integrity officer's role are refused too.
    assert is_denied(signed_in(client, hr_a).get(url))


def test_decisions_are_the_officers(client, company, stranger_request):
    signed_in(client, company.representative.user)
    for action in ("approve", "correct", "reject"):
        decide(client, action, stranger_request, {"reason": "x", "legal_name": "x"})
    stranger_request.refresh_from_db()
    assert stranger_request.status == CompanyStatus.PENDING


# Invitations


def test_a_stranger_holding_the_link_cannot_join(client, company, business_course):
    member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    url = reverse(
        "companies:join", args=[companies_registration.invitation_token(member)]
    )
    client.force_login(person_with_account(email="otro@example.pe").user)
    response = client.post(url, follow=True)
    assert "se envió a otra dirección de correo" in response.content.decode()
    member.refresh_from_db()
    assert member.person is None
    assert not company.members.filter(person__isnull=False).exists()


def test_an_unverified_invited_address_cannot_join(company):
    member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    colleague = person_with_account(email="colega@empresa.pe")
    colleague.user.emailaddress_set.update(verified=False)
    with pytest.raises(companies_registration.CompanyError):
        companies_registration.join_company(
            member=member, user=colleague.user, now=timezone.now()
        )


# Existing data


def test_the_migration_approves_the_demo_company_only(representative):
    migration = importlib.import_module("lms.migrations.0009_approve_demo_company")
    demo = Company.objects.create(
        ruc=migration.DEMO_RUC,
        legal_name="Demo",
        address="Jaén",
        representative=representative,
    )
    other = Company.objects.create(
        ruc=RUC, legal_name="Otra", address="Jaén", representative=representative
    )
    migration.approve_demo_company(apps, None)
    demo.refresh_from_db()
    other.refresh_from_db()
    assert demo.status == CompanyStatus.APPROVED
    assert other.status == CompanyStatus.PENDING
