"""Companies on the business course: "Empresa por la Integridad".

A person with an account registers a company and becomes its representative;
the representative invites colleagues by email with a signed one-time link.
A company is ready for its certificate once its representative and enough of
its people hold a current completion of the business course
(`companies_ready`, called by certificate issuance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from courses.models import Audience, CoursePage
from lms.learning import enrol
from lms.models import Company, CompanyMember, Completion, Person, User
from lms.reminders import render_email, site_url
from lms.tasks import send_email

TOKEN_SALT = "lms.companies.invitation"


class CompanyError(Exception):
    """A registration, invitation or joining that cannot be done; says why."""


def business_courses() -> QuerySet[CoursePage]:
    return CoursePage.objects.live().filter(audience=Audience.BUSINESSES)


def person_of(user: User) -> Person | None:
    return Person.objects.filter(user=user).first()


def _identified_person(user: User) -> Person:
    """Return the user's person, who must exist to register or join a company."""
    person = person_of(user)
    if person is None:
        raise CompanyError(
            _("Your account has no identity document yet: complete your profile.")
        )
    return person


def register_company(*, user: User, ruc: str, legal_name: str, address: str) -> Company:
    """Register the company with the user as its representative.

    `ruc` must already be normalised (see `lms.identity.normalise_ruc`).
    """
    person = _identified_person(user)
    try:
        # The unique constraint answers for a RUC registered before or by a
        # parallel request; the savepoint keeps an outer transaction usable.
        with transaction.atomic():
            return Company.objects.create(
                ruc=ruc, legal_name=legal_name, address=address, representative=person
            )
    except IntegrityError as error:
        raise CompanyError(
            _("A company with this RUC is already registered.")
        ) from error


def represented_by(user: User) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    return Company.objects.filter(representative__user=user)


def invitation_timeout() -> timedelta:
    return timedelta(days=settings.INVITATION_TIMEOUT_DAYS)


def invitation_token(member: CompanyMember) -> str:
    return signing.dumps({"m": member.pk, "e": member.email}, salt=TOKEN_SALT)


def member_for_token(token: str) -> CompanyMember | None:
    """Return the invitation a link was signed for, or None if it is not valid."""
    try:
        data = signing.loads(
            token, salt=TOKEN_SALT, max_age=invitation_timeout().total_seconds()
        )
    except signing.BadSignature:  # expired links too
        return None
    if not isinstance(data, dict):
        return None
    return (
        CompanyMember.objects.select_related("company")
        .filter(pk=data.get("m"), email=data.get("e"))
        .first()
    )


@transaction.atomic
def invite_colleague(
    *, company: Company, email: str, by: User, now: datetime
) -> CompanyMember:
    """Record the invitation and email the colleague a signed one-time link."""
    # Stored lowercased, so the unique (company, email) constraint answers
    # for an address invited before or by a parallel request.
    email = email.strip().lower()
    try:
        with transaction.atomic():
            member = CompanyMember.objects.create(
                company=company, email=email, invited_at=now, invited_by=by
            )
    except IntegrityError as error:
        raise CompanyError(_("This email has already been invited.")) from error
    link = site_url() + reverse("companies:join", args=[invitation_token(member)])
    subject, body = render_email(
        "company_invitation",
        {
            "company": company,
            "representative": company.representative,
            "courses": list(business_courses()),
            "link": link,
            "days": invitation_timeout().days,
            "site_url": site_url(),
        },
    )
    transaction.on_commit(partial(send_email.enqueue, email, subject, body))
    return member


@transaction.atomic
def join_company(*, member: CompanyMember, user: User, now: datetime) -> None:
    """Link the user's person to the invitation and enrol them in the course."""
    member = CompanyMember.objects.select_for_update().get(pk=member.pk)
    if member.person_id:
        raise CompanyError(_("This invitation has already been used."))
    person = _identified_person(user)
    if member.company.members.filter(person=person).exists():
        raise CompanyError(_("You already belong to this company."))
    member.person = person
    member.joined_at = now
    member.save(update_fields=["person", "joined_at"])
    for course in business_courses():
        enrol(user=user, course=course)


def people_who_completed(
    *, company: Company, course: CoursePage, today: date
) -> set[int]:
    """Ids of the representative and joined members with a current completion."""
    people = {company.representative_id} | set(
        company.members.filter(person__isnull=False).values_list("person", flat=True)
    )
    completions = Completion.objects.filter(
        enrolment__user__person__in=people,
        enrolment__course=course,
        revoked_at__isnull=True,
    ).select_related("enrolment__course", "enrolment__user__person")
    return {
        completion.enrolment.user.person.pk
        for completion in completions
        if completion.is_current(today=today)
    }


@dataclass(frozen=True)
class CourseProgress:
    course: CoursePage
    completed: int
    required: int
    representative_completed: bool

    @property
    def ready(self) -> bool:
        return self.representative_completed and self.completed >= self.required


def company_progress(*, company: Company, today: date) -> list[CourseProgress]:
    """How far the company's people are in each live business course."""
    return [
        _progress(company=company, course=course, today=today)
        for course in business_courses()
    ]


def _progress(*, company: Company, course: CoursePage, today: date) -> CourseProgress:
    done = people_who_completed(company=company, course=course, today=today)
    return CourseProgress(
        course=course,
        completed=len(done),
        required=course.company_completions_required,
        representative_completed=company.representative_id in done,
    )


def companies_ready(*, completion: Completion, today: date) -> list[Company]:
    """Return the companies this completion makes (or keeps) ready for a certificate.

    Those where the completer is the representative or a joined member, whose
    representative holds a current completion of the course, and whose people
    with a current completion number at least the course's requirement.
    """
    course = completion.enrolment.course
    if course.audience != Audience.BUSINESSES:
        return []
    person = person_of(completion.enrolment.user)
    if person is None:
        return []
    companies = Company.objects.filter(
        Q(representative=person) | Q(members__person=person)
    ).distinct()
    return [
        company
        for company in companies
        if _progress(company=company, course=course, today=today).ready
    ]


def registry(query: str = "") -> QuerySet[Company]:
    """Companies holding a certificate, searched by RUC prefix or by name."""
    companies = (
        Company.objects.filter(certificates__isnull=False)
        .distinct()
        .select_related("representative")
        .prefetch_related("certificates")
        .order_by("legal_name", "pk")
    )
    query = query.strip()
    if query.isdigit():
        return companies.filter(ruc__startswith=query)
    if query:
        return companies.filter(legal_name__icontains=query)
    return companies
