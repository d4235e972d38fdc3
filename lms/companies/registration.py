"""Companies on the business course: "Empresa por la Integridad".

A person with an account asks to represent a company, uploading proof of
representation (a vigencia de poder or a ficha RUC). The request counts only
once the integrity officer approves it: before, the company is not listed
and earns no certificate, and a RUC is "taken" only by an approved company,
so a stranger's request never locks the real company out. Several people may
ask for one RUC; the officer approves one, which rejects the others.

The representative invites colleagues by email with a signed one-time link,
which only the invited address may accept. An approved company is ready for
its certificate once its representative and enough of its people hold a
current completion of the business course (`companies_ready`, called by
certificate issuance; `courses_ready` when the approval comes last).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Case, Q, QuerySet, When
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.models import Audience, CoursePage
from courses.search_terms import match_every_word
from lms.companies.models import Company, CompanyMember, CompanyStatus
from lms.companies.signals import company_approved
from lms.learning.models import Completion
from lms.learning.progress import enrol
from lms.lib.audit import audit
from lms.lib.emails import render_email, send_email, site_url
from lms.people.models import Person, User

TOKEN_SALT = "lms.companies.invitation"
MAX_PROOF_BYTES = 5 * 1024 * 1024
# What a proof's first bytes must be, whatever its name says, and the
# extension it is stored under.
PROOF_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpg",
    b"\x89PNG\r\n\x1a\n": "png",
}


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


def proof_too_large() -> str:
    return _("The file is larger than %(size)d MB: upload a lighter scan.") % {
        "size": MAX_PROOF_BYTES // (1024 * 1024)
    }


def proof_extension(proof: UploadedFile) -> str:
    """Return the extension a proof is stored under, refusing any other file.

    The type is read from the file's first bytes, never from its name or the
    browser's word, and the size is checked before anything is read.
    """
    if proof.size > MAX_PROOF_BYTES:
        raise CompanyError(proof_too_large())
    proof.seek(0)
    head = proof.read(max(len(signature) for signature in PROOF_SIGNATURES))
    proof.seek(0)
    for signature, extension in PROOF_SIGNATURES.items():
        if head.startswith(signature):
            return extension
    raise CompanyError(
        _("The file is not a PDF, JPEG or PNG document: upload the proof again.")
    )


def _refuse_if_ruc_taken(ruc: str, *, besides: Company | None = None) -> None:
    approved = Company.objects.approved().filter(ruc=ruc)
    if besides is not None:
        approved = approved.exclude(pk=besides.pk)
    if approved.exists():
        raise CompanyError(
            _(
                "The integrity office has already verified the representative "
                "of the company with this RUC. If you work there, ask its "
                "representative to invite you; if you believe this is wrong, "
                "write to the integrity office."
            )
        )


def _attach_proof(
    company: Company, *, proof: UploadedFile, proof_kind: str, now: datetime
) -> None:
    company.proof.save(f"proof.{proof_extension(proof)}", proof, save=False)
    company.proof_kind = proof_kind
    company.proof_uploaded_at = now


@transaction.atomic
def register_company(
    *,
    user: User,
    ruc: str,
    legal_name: str,
    address: str,
    proof: UploadedFile,
    proof_kind: str,
    now: datetime,
) -> Company:
    """Ask, with proof, to represent the company: it is in review until approved.

    `ruc` must already be normalised (see `lms.people.identity.normalise_ruc`).
    """
    person = _identified_person(user)
    _refuse_if_ruc_taken(ruc)
    company = Company(
        ruc=ruc, legal_name=legal_name, address=address, representative=person
    )
    _attach_proof(company, proof=proof, proof_kind=proof_kind, now=now)
    try:
        # The unique constraint answers for the user's own earlier request,
        # or a parallel one; the savepoint keeps the transaction usable.
        with transaction.atomic():
            company.save()
    except IntegrityError as error:
        company.proof.delete(save=False)
        raise CompanyError(
            _("You have already registered this RUC: see its page.")
        ) from error
    audit("company_registered", user=user, company_id=company.pk, ruc=ruc)
    return company


@transaction.atomic
def resubmit_proof(
    *, company: Company, proof: UploadedFile, proof_kind: str, by: User, now: datetime
) -> Company:
    """Replace a missing or rejected proof; the request is in review again."""
    company = Company.objects.select_for_update().get(pk=company.pk)
    if not company.awaits_proof():
        raise CompanyError(_("Your proof is already in review or was approved."))
    _refuse_if_ruc_taken(company.ruc, besides=company)
    _attach_proof(company, proof=proof, proof_kind=proof_kind, now=now)
    company.status = CompanyStatus.PENDING
    company.rejection_reason = ""
    company.reviewed_at = None
    company.reviewed_by = None
    company.save()
    audit("company_proof_uploaded", user=by, company_id=company.pk, ruc=company.ruc)
    return company


CORRECTABLE_FIELDS = ("legal_name", "address")


@transaction.atomic
def approve_company(
    *, company: Company, by: User, now: datetime, corrections: dict | None = None
) -> Company:
    """Approve the request, first correcting its data; reject its rivals.

    `corrections` holds new values of CORRECTABLE_FIELDS, as the proof shows
    them. Approval lists the company and issues, once committed, the
    certificates its people earned while it was in review.
    """
    current = _to_review(company)
    corrected = sorted(
        field
        for field, value in (corrections or {}).items()
        if field in CORRECTABLE_FIELDS and getattr(current, field) != value
    )
    for field in corrected:
        setattr(current, field, corrections[field])
    _review(current, status=CompanyStatus.APPROVED, by=by, now=now)
    try:
        # one_approved_company_per_ruc answers for a rival approved meanwhile.
        with transaction.atomic():
            current.save()
    except IntegrityError as error:
        raise CompanyError(
            _("Another request for this RUC was approved meanwhile.")
        ) from error
    event = "company_corrected_and_approved" if corrected else "company_approved"
    extra = {"corrected": corrected} if corrected else {}
    audit(event, user=by, company_id=current.pk, ruc=current.ruc, **extra)
    _tell_representative(current)
    rivals = Company.objects.select_for_update(of=("self",)).filter(
        ruc=current.ruc, status=CompanyStatus.PENDING
    )
    # Kept in the site's language: the representatives read it in Spanish.
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("The integrity office approved another representative for this RUC.")
    for rival in rivals.exclude(pk=current.pk).select_related("representative__user"):
        _reject(rival, reason=reason, by=by, now=now)
    transaction.on_commit(
        partial(company_approved.send, sender=Company, company=current)
    )
    return current


@transaction.atomic
def reject_company(
    *, company: Company, reason: str, by: User, now: datetime
) -> Company:
    """Reject the request with a reason its representative reads."""
    reason = reason.strip()
    if not reason:
        raise CompanyError(_("Give the reason for the rejection."))
    current = _to_review(company)
    _reject(current, reason=reason, by=by, now=now)
    return current


def _to_review(company: Company) -> Company:
    """Return the request locked, refusing one not awaiting a decision."""
    current = (
        # Only the company's row: PostgreSQL locks no nullable side of a join.
        Company.objects.select_for_update(of=("self",))
        .select_related("representative__user")
        .get(pk=company.pk)
    )
    if current.status != CompanyStatus.PENDING:
        raise CompanyError(_("This request was already reviewed."))
    if not current.proof:
        raise CompanyError(
            _("This request has no proof of representation to review yet.")
        )
    return current


def _review(company: Company, *, status: str, by: User, now: datetime) -> None:
    company.status = status
    company.reviewed_at = now
    company.reviewed_by = by


def _reject(company: Company, *, reason: str, by: User, now: datetime) -> None:
    _review(company, status=CompanyStatus.REJECTED, by=by, now=now)
    company.rejection_reason = reason
    company.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "rejection_reason"]
    )
    audit("company_rejected", user=by, company_id=company.pk, ruc=company.ruc)
    _tell_representative(company)


def _tell_representative(company: Company) -> None:
    """E-mail the representative the decision, once it is committed."""
    link = site_url() + reverse("companies:detail", args=[company.ruc])
    subject, body = render_email(
        "company_review", {"company": company, "link": link, "site_url": site_url()}
    )
    address = company.representative.user.email
    transaction.on_commit(partial(send_email.enqueue, address, subject, body))


def represented_by(user: User) -> QuerySet[Company]:
    if not user.is_authenticated:
        return Company.objects.none()
    return Company.objects.filter(representative__user=user)


def for_page(user: User, ruc: str) -> Company | None:
    """Return the company page of a RUC the user may see.

    The user's own request, in whatever state; else the approved company.
    """
    own = Q(representative__user=user) if user.is_authenticated else Q(pk=None)
    return (
        Company.objects.filter(Q(status=CompanyStatus.APPROVED) | own, ruc=ruc)
        .order_by(Case(When(own, then=0), default=1))
        .select_related("representative")
        .prefetch_related("certificates")
        .first()
    )


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
    if not is_invited_address(member=member, user=user):
        raise CompanyError(
            _(
                "This invitation was sent to another e-mail address: sign in "
                "with the account of the invited address to accept it."
            )
        )
    person = _identified_person(user)
    if member.company.members.filter(person=person).exists():
        raise CompanyError(_("You already belong to this company."))
    member.person = person
    member.joined_at = now
    member.save(update_fields=["person", "joined_at"])
    for course in business_courses():
        enrol(user=user, course=course)


def is_invited_address(*, member: CompanyMember, user: User) -> bool:
    """Whether the user has verified the very address the invitation went to."""
    return EmailAddress.objects.filter(
        user=user, email__iexact=member.email, verified=True
    ).exists()


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
    companies = (
        Company.objects.approved()
        .filter(Q(representative=person) | Q(members__person=person))
        .distinct()
    )
    return [
        company
        for company in companies
        if _progress(company=company, course=course, today=today).ready
    ]


def courses_ready(*, company: Company, today: date) -> list[CoursePage]:
    """Return the business courses an approved company is ready for today."""
    if not company.is_approved:
        return []
    return [
        course
        for course in business_courses()
        if _progress(company=company, course=course, today=today).ready
    ]


def registry(query: str = "") -> QuerySet[Company]:
    """Approved companies holding a certificate, by RUC prefix or by name."""
    companies = (
        Company.objects.approved()
        .filter(certificates__isnull=False)
        .distinct()
        .select_related("representative")
        .prefetch_related("certificates")
        .order_by("legal_name", "pk")
    )
    query = query.strip()
    if query.isdigit():
        return companies.filter(ruc__startswith=query)
    return match_every_word(companies, query, ["legal_name"])
