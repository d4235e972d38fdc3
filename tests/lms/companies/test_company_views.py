"""Company pages: registering, the company page, inviting and joining."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import Certificate
from courses.models import CoursePage
from lms.companies import registration
from lms.models import Company, CompanyMember, CompanyStatus, Enrolment, ProofKind
from tests.factories import UserFactory, approved_company, completion
from tests.lms.companies.test_companies import (
    EARLIER,
    business_course_fixture,  # noqa: F401 (fixture)
    company_fixture,  # noqa: F401 (fixture)
    joined_member,
    pdf_proof,
    person_with_account,
    representative_fixture,  # noqa: F401 (fixture)
    ruc,
)


def registration_form(**fields) -> dict:
    """The registration form as a browser posts it, `fields` overriding."""
    return {
        "ruc": "20554133470",
        "legal_name": "Minera Íntegra S.A.",
        "address": "Av. Atahualpa 1, Cajamarca",
        "proof_kind": ProofKind.POWER_OF_ATTORNEY,
        "proof": pdf_proof(),
    } | fields


def certificate(company, course, number: int, **fields) -> Certificate:
    return Certificate.objects.create(
        **{
            "code": f"EMP-{company.pk}-{number}",
            "person": company.representative,
            "course": course,
            "period": number,
            "company": company,
            "representative_name": company.representative.full_name,
            "holder_name": company.legal_name,
            "certificate_title": "Empresa por la Integridad",
            "course_title": course.title,
            "hours": 2,
            "issued_on": date(2026, 10, 1),
        }
        | fields
    )


@pytest.fixture
def rep_client(client, company):
    client.force_login(company.representative.user)
    return client


# Registering


def test_registering_needs_a_login(client, db):
    response = client.get(reverse("companies:register"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_person_registers_their_company(client, representative):
    client.force_login(representative.user)
    response = client.post(
        reverse("companies:register"), registration_form(ruc=" 20554133470 ")
    )
    company = Company.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("companies:detail", args=["20554133470"])
    assert company.representative == representative
    assert company.status == CompanyStatus.PENDING


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("2055413347", "A RUC has 11 digits."),
        ("30554133470", "A RUC starts with 10"),
        ("20554133471", "does not match the others"),
    ],
)
def test_a_wrong_ruc_is_refused_with_its_reason(
    client, representative, english, number, message
):
    client.force_login(representative.user)
    response = client.post(reverse("companies:register"), registration_form(ruc=number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Company.objects.exists()


def test_an_approved_ruc_is_refused(client, company, english):
    client.force_login(person_with_account().user)
    response = client.post(
        reverse("companies:register"), registration_form(ruc=company.ruc)
    )
    assert response.status_code == 200
    assert "already verified the representative" in response.content.decode()
    assert Company.objects.count() == 1


# The company page


def test_the_public_page_lists_certificates_with_status(
    client, company, business_course, english
):
    certificate(company, business_course, 1, expires_on=date(2020, 1, 1))
    certificate(company, business_course, 2)
    response = client.get(reverse("companies:detail", args=[company.ruc]))
    html = response.content.decode()
    assert response.status_code == 200
    assert company.legal_name in html
    assert f'href="/verificar/EMP-{company.pk}-2/"' in html
    assert "Expired" in html and "Valid" in html
    assert "gerente@empresa.pe" not in html
    assert company.representative.document_number not in html
    assert "invitar" not in html


def test_an_unknown_ruc_is_not_found(client, db):
    assert (
        client.get(reverse("companies:detail", args=["20554133470"])).status_code == 404
    )


def test_the_representative_sees_members_and_the_invite_form(rep_client, company):
    joined_member(company, person_with_account(email="colega@empresa.pe"))
    html = rep_client.get(reverse("companies:detail", args=[company.ruc])).content
    assert b"colega@empresa.pe" in html
    assert reverse("companies:invite", args=[company.ruc]).encode() in html


@pytest.mark.parametrize("size", [1, 6])
def test_the_company_page_has_a_fixed_query_count(
    rep_client, company, business_course, size, django_assert_max_num_queries
):
    for number in range(1, size + 1):
        certificate(company, business_course, number)
        joined_member(company, person_with_account())
    with django_assert_max_num_queries(12):
        response = rep_client.get(reverse("companies:detail", args=[company.ruc]))
    assert response.status_code == 200


# Inviting


def test_the_representative_invites_a_colleague(
    rep_client, company, business_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = rep_client.post(
            reverse("companies:invite", args=[company.ruc]),
            {"email": "colega@empresa.pe"},
        )
    assert response.status_code == 302
    assert company.members.get().email == "colega@empresa.pe"
    assert [message.to for message in mail.outbox] == [["colega@empresa.pe"]]


def test_a_second_invitation_to_the_same_email_says_so(rep_client, company, english):
    url = reverse("companies:invite", args=[company.ruc])
    rep_client.post(url, {"email": "colega@empresa.pe"})
    response = rep_client.post(url, {"email": "COLEGA@empresa.pe"}, follow=True)
    assert "already been invited" in response.content.decode()
    assert company.members.count() == 1


def test_a_bad_email_is_refused(rep_client, company):
    response = rep_client.post(
        reverse("companies:invite", args=[company.ruc]), {"email": "no-es-correo"}
    )
    assert response.status_code == 200
    assert not company.members.exists()


def test_someone_else_cannot_invite_for_the_company(client, company):
    client.force_login(person_with_account().user)
    response = client.post(
        reverse("companies:invite", args=[company.ruc]), {"email": "x@empresa.pe"}
    )
    assert response.status_code == 404
    assert not company.members.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(client, company):
    response = client.post(
        reverse("companies:invite", args=[company.ruc]), {"email": "x@empresa.pe"}
    )
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    assert not company.members.exists()


def test_inviting_needs_a_post(rep_client, company):
    response = rep_client.get(reverse("companies:invite", args=[company.ruc]))
    assert response.status_code == 405


# Joining


@pytest.fixture
def invitation(company):
    member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    return member, reverse(
        "companies:join", args=[registration.invitation_token(member)]
    )


def test_a_colleague_accepts_and_is_enrolled(client, invitation, business_course):
    member, url = invitation
    colleague = person_with_account(email="colega@empresa.pe")
    client.force_login(colleague.user)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.person == colleague
    assert Enrolment.objects.filter(
        user=colleague.user, course=business_course
    ).exists()
    # One-time: the link is spent.
    assert client.get(url).status_code == 404


def test_an_anonymous_visitor_must_log_in_to_accept(client, invitation):
    member, url = invitation
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    assert reverse("account_login") in response.url
    member.refresh_from_db()
    assert member.person is None


def test_a_tampered_link_shows_a_clear_page(client, invitation, english):
    _member, url = invitation
    response = client.get(url[:-3] + "xy/")
    assert response.status_code == 404
    assert "cannot be used" in response.content.decode()


def test_a_user_without_a_person_is_told_why(client, invitation, english):
    member, url = invitation
    client.force_login(UserFactory(email="colega@empresa.pe"))
    response = client.post(url, follow=True)
    assert "complete your profile" in response.content.decode()
    member.refresh_from_db()
    assert member.person is None


def test_another_company_cannot_be_reached_by_changing_the_ruc(rep_client, company):
    other = approved_company(
        ruc=ruc("2010000001"),
        legal_name="Otra S.A.C.",
        address="Jaén",
        representative=person_with_account(),
    )
    response = rep_client.post(
        reverse("companies:invite", args=[other.ruc]), {"email": "x@empresa.pe"}
    )
    assert response.status_code == 404
    assert not other.members.exists()


def test_the_representative_sees_the_progress_towards_the_certificate(
    rep_client, company, business_course, english
):
    html = rep_client.get(reverse("companies:detail", args=[company.ruc])).content
    assert b"completed by 0 of the 1 person required." in html
    assert b"must complete it too" in html


def test_the_progress_reads_in_spanish_in_the_singular_and_the_plural(
    rep_client, company, business_course
):
    def progress() -> str:
        html = rep_client.get(reverse("companies:detail", args=[company.ruc]))
        return " ".join(html.content.decode().split())

    assert "lo han concluido 0 de 1 persona requerida." in progress()
    CoursePage.objects.filter(pk=business_course.pk).update(
        company_completions_required=3
    )
    assert "lo han concluido 0 de las 3 personas requeridas." in progress()


def test_the_company_page_query_count_does_not_grow(
    rep_client, company, business_course
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            rep_client.get(reverse("companies:detail", args=[company.ruc]))
        return len(captured)

    small = queries()
    for number in range(1, 6):
        certificate(company, business_course, number)
        colleague = person_with_account()
        joined_member(company, colleague)
        completion(colleague.user, business_course, at=EARLIER)
    assert queries() == small
