"""Companies: registration, invitations, joining, and when a company is ready
for its "Empresa por la Integridad" certificate."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.pe import ruc as stdnum_ruc

from courses.models import Audience
from lms.companies import registration as companies_registration
from lms.companies.forms import CompanyForm
from lms.models import Company, CompanyMember, Enrolment, ProofKind
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    UserFactory,
    approved_company,
    completion,
)

TODAY = date(2026, 11, 22)
EARLIER = timezone.make_aware(datetime(2026, 10, 1, 10, 0))


def ruc(base: str) -> str:
    """A valid RUC from its first 10 digits."""
    return base + stdnum_ruc.calc_check_digit(base)


def person_with_account(**kwargs):
    return PersonFactory(user=UserFactory(**kwargs))


@pytest.fixture(name="business_course")
def business_course_fixture(catalogue):
    return CoursePageFactory(
        parent=catalogue,
        title="Empresa íntegra",
        audience=Audience.BUSINESSES,
        company_completions_required=1,
    )


@pytest.fixture(name="representative")
def representative_fixture(db):
    return person_with_account(email="gerente@empresa.pe")


@pytest.fixture(name="company")
def company_fixture(representative):
    return approved_company(
        ruc=ruc("2010000000"),
        legal_name="Café de Jaén S.A.C.",
        address="Jr. Amalia Puga 123, Cajamarca",
        representative=representative,
    )


def pdf_proof(name: str = "poder.pdf", content: bytes = b"%PDF-1.7\n%demo\n"):
    """An uploaded vigencia de poder, as a browser sends it."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def registration(**fields) -> dict:
    """The fields of a registration with its proof, `fields` overriding."""
    return {
        "ruc": "20554133470",
        "legal_name": "Minera Íntegra S.A.",
        "address": "Av. Atahualpa 1, Cajamarca",
        "proof": pdf_proof(),
        "proof_kind": ProofKind.POWER_OF_ATTORNEY,
        "now": timezone.now(),
    } | fields


def joined_member(company, person) -> CompanyMember:
    return CompanyMember.objects.create(
        company=company,
        email=person.user.email,
        invited_at=EARLIER,
        invited_by=company.representative.user,
        person=person,
        joined_at=EARLIER,
    )


# RUC: the rules are tested in test_ruc.py; here, what the form shows.


def test_the_form_shows_the_reason_a_ruc_is_refused(english):
    form = CompanyForm(data={"ruc": "20554133471", "legal_name": "X", "address": "Y"})
    assert not form.is_valid()
    assert "does not match" in form.errors["ruc"][0]


# Registration


def test_registering_makes_the_user_the_representative(representative):
    company = companies_registration.register_company(
        user=representative.user, **registration()
    )
    assert company.representative == representative


def test_a_ruc_approved_for_another_is_refused(company):
    other = person_with_account()
    with pytest.raises(companies_registration.CompanyError):
        companies_registration.register_company(
            user=other.user, **registration(ruc=company.ruc)
        )
    assert Company.objects.count() == 1


def test_a_user_without_a_person_cannot_register(db):
    with pytest.raises(companies_registration.CompanyError):
        companies_registration.register_company(user=UserFactory(), **registration())
    assert not Company.objects.exists()


# Invitations


def test_inviting_emails_a_signed_link(
    company, business_course, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = companies_registration.invite_colleague(
            company=company,
            email="Colega@Empresa.pe",
            by=company.representative.user,
            now=timezone.now(),
        )
    assert member.email == "colega@empresa.pe"
    assert [message.to for message in mail.outbox] == [["colega@empresa.pe"]]
    body = mail.outbox[0].body
    assert business_course.title in body
    token = body.split("/empresas/unirse/")[1].split("/")[0]
    assert companies_registration.member_for_token(token) == member


def test_the_same_email_is_invited_once(company):
    for _attempt in range(2):
        try:
            companies_registration.invite_colleague(
                company=company,
                email="colega@empresa.pe",
                by=company.representative.user,
                now=timezone.now(),
            )
        except companies_registration.CompanyError:
            pass
    assert company.members.count() == 1


def test_a_tampered_or_expired_token_finds_nothing(company, settings):
    member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    token = companies_registration.invitation_token(member)
    assert companies_registration.member_for_token(token[:-2] + "xx") is None
    assert companies_registration.member_for_token("nonsense") is None
    forged = signing.dumps({"m": member.pk, "e": member.email}, salt="other")
    assert companies_registration.member_for_token(forged) is None
    settings.INVITATION_TIMEOUT_DAYS = -1
    assert companies_registration.member_for_token(token) is None


def test_joining_links_the_person_and_enrols_in_live_business_courses(
    company, business_course, catalogue
):
    draft = CoursePageFactory(
        parent=catalogue, audience=Audience.BUSINESSES, live=False
    )
    CoursePageFactory(parent=catalogue, audience=Audience.CITIZENS)
    member = CompanyMember.objects.create(
        company=company,
        email="colega@empresa.pe",
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    colleague = person_with_account(email="colega@empresa.pe")
    companies_registration.join_company(
        member=member, user=colleague.user, now=timezone.now()
    )
    member.refresh_from_db()
    assert member.person == colleague
    assert member.joined_at
    assert list(
        Enrolment.objects.filter(user=colleague.user).values_list("course", flat=True)
    ) == [business_course.pk]
    assert draft.pk not in set(Enrolment.objects.values_list("course", flat=True))
    with pytest.raises(companies_registration.CompanyError):
        companies_registration.join_company(
            member=member, user=person_with_account().user, now=timezone.now()
        )


# Ready for a certificate


def test_the_representative_alone_is_enough_when_one_is_required(
    company, business_course
):
    done = completion(company.representative.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == [
        company
    ]


def test_two_of_three_required_is_not_enough(company, business_course):
    business_course.company_completions_required = 3
    business_course.save()
    colleague = person_with_account()
    joined_member(company, colleague)
    completion(company.representative.user, business_course, at=EARLIER)
    done = completion(colleague.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []
    third = person_with_account()
    joined_member(company, third)
    done = completion(third.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == [
        company
    ]


def test_members_without_the_representative_are_not_enough(company, business_course):
    business_course.company_completions_required = 2
    business_course.save()
    colleagues = [person_with_account(), person_with_account()]
    for colleague in colleagues:
        joined_member(company, colleague)
        done = completion(colleague.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []


def test_a_revoked_completion_does_not_count(company, business_course):
    business_course.company_completions_required = 2
    business_course.save()
    colleague = person_with_account()
    joined_member(company, colleague)
    completion(company.representative.user, business_course, at=EARLIER)
    revoked = completion(colleague.user, business_course, at=EARLIER)
    revoked.revoked_at = timezone.now()
    revoked.save()
    done = completion(company.representative.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []


def test_a_lapsed_completion_does_not_count(company, business_course):
    business_course.validity_months = 12
    business_course.save()
    done = completion(company.representative.user, business_course, at=EARLIER)
    assert (
        companies_registration.companies_ready(completion=done, today=date(2028, 1, 1))
        == []
    )


def test_an_invited_colleague_who_has_not_joined_does_not_count(
    company, business_course
):
    business_course.company_completions_required = 2
    business_course.save()
    colleague = person_with_account()
    CompanyMember.objects.create(
        company=company,
        email=colleague.user.email,
        invited_at=EARLIER,
        invited_by=company.representative.user,
    )
    completion(colleague.user, business_course, at=EARLIER)
    done = completion(company.representative.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []


def test_only_business_courses_make_a_company_ready(company, course):
    done = completion(company.representative.user, course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []


def test_a_stranger_completing_makes_no_company_ready(company, business_course):
    completion(company.representative.user, business_course, at=EARLIER)
    done = completion(person_with_account().user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == []


def test_every_company_of_the_person_is_considered(company, business_course):
    second = approved_company(
        ruc=ruc("2010000001"),
        legal_name="Segunda S.A.C.",
        address="Jaén",
        representative=person_with_account(),
    )
    joined_member(second, company.representative)
    completion(second.representative.user, business_course, at=EARLIER)
    done = completion(company.representative.user, business_course, at=EARLIER)
    assert companies_registration.companies_ready(completion=done, today=TODAY) == [
        company,
        second,
    ]


def test_people_who_completed_lists_representative_and_joined_members(
    company, business_course
):
    colleague = person_with_account()
    joined_member(company, colleague)
    completion(colleague.user, business_course, at=EARLIER)
    assert companies_registration.people_who_completed(
        company=company, course=business_course, today=TODAY
    ) == {colleague.pk}


def test_company_progress_counts_per_business_course(company, business_course):
    business_course.company_completions_required = 2
    business_course.save()
    colleague = person_with_account()
    joined_member(company, colleague)
    completion(colleague.user, business_course, at=EARLIER)
    [progress] = companies_registration.company_progress(company=company, today=TODAY)
    assert (progress.course, progress.completed, progress.required) == (
        business_course,
        1,
        2,
    )
    assert not progress.representative_completed
    assert not progress.ready
    completion(company.representative.user, business_course, at=EARLIER)
    [progress] = companies_registration.company_progress(company=company, today=TODAY)
    assert progress.ready
