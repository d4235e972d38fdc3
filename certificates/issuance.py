"""Issuing certificates: one per holder, course and validity period."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Max, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Site

from certificates import codes
from certificates.models import Certificate, CourseIssuer, IssuerSettings
from certificates.signing import status_list
from certificates.tasks import queue_delivery
from courses.models import CoursePage
from lms.companies.registration import companies_ready, courses_ready
from lms.lib.audit import audit
from lms.models import (
    Company,
    Completion,
    Participant,
    Person,
    TrainerCertification,
    User,
    renewal_window,
)

# A new code colliding with an existing one is a 1-in-2^80 event; a second
# collision in a row would mean a broken random source, so it is not retried.
CODE_ATTEMPTS = 2


def issuer_snapshot(course: CoursePage) -> dict:
    """Return the issuer details in force today, the course's own overriding."""
    site = IssuerSettings.for_site(Site.objects.get(is_default_site=True))
    own = CourseIssuer.objects.filter(course=course).select_related("logo").first()
    name = (own and own.issuer_name) or site.issuer_name or settings.CERTIFICATE_ISSUER
    logo = (own and own.logo) or site.logo
    signatories = (own and own.signatories) or site.signatories
    return {
        "name": name,
        "logo": logo.file.name if logo else "",
        "signatories": [
            {
                "name": block.value["name"],
                "post": block.value["post"],
                "signature": (
                    block.value["signature"].file.name
                    if block.value["signature"]
                    else ""
                ),
            }
            for block in signatories
        ],
    }


def issue_certificate(
    *,
    person: Person,
    course: CoursePage,
    issued_on: date,
    score: int | None,
    completion: Completion | None = None,
    delivery: dict | None = None,
    company: Company | None = None,
) -> Certificate:
    """Return the holder's certificate for the period `issued_on` falls in.

    The holder is the person, or the company when one is given: a company's
    certificate is earned through its representative (`person`) and numbered
    apart from the representative's own. A certificate still valid that day
    is returned as it is, unless a new completion renews it within its last
    weeks (the renewal window); otherwise the next period's certificate is
    created. Two completions racing here meet the unique (holder, course,
    period) constraint and both get the same one. A company holds none until
    the integrity officer has approved its representative.
    """
    if company is not None and not company.is_approved:
        raise ValueError(
            _("A company holds no certificate until its representative is approved.")
        )
    same_holder = held_by(person=person, company=company, course=course)
    latest = same_holder.order_by("-period").first()
    if latest and latest.covers(issued_on) and not latest.revoked_at:
        renewal = (
            completion is not None
            and latest.completion_id != completion.pk
            and latest.expires_on is not None
            and issued_on > latest.expires_on - renewal_window()
        )
        if not renewal:
            return latest
    period = latest.period + 1 if latest else 1
    fields = {
        **holder_fields(person=person, company=company),
        "course": course,
        "period": period,
        "completion": completion,
        "certificate_title": title_for_holder(
            course=course, person=person, company=company
        ),
        "course_title": course.title,
        "hours": course.estimated_hours,
        "score": score,
        "issued_on": issued_on,
        "expires_on": course.validity_ends(issued_on),
        "issuer": issuer_snapshot(course),
        "delivery": delivery or {},
    }
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                issued = Certificate.objects.create(
                    code=codes.new_code(settings.CERTIFICATE_CODE_PREFIX), **fields
                )
            audit("certificate_issued", certificate=issued.code, course_id=course.pk)
            return issued
        except IntegrityError:
            winner = same_holder.filter(period=period).first()
            if winner:
                return winner
    raise IntegrityError("Could not draw an unused certificate code.")


def held_by(
    *, person: Person, company: Company | None, course: CoursePage
) -> QuerySet[Certificate]:
    """Return the holder's certificates of the course, every period.

    A company's are its own; a person's leave out those they earned for a
    company they represent.
    """
    if company is not None:
        return Certificate.objects.filter(company=company, course=course)
    return Certificate.objects.filter(person=person, company=None, course=course)


def holder_fields(*, person: Person, company: Company | None) -> dict:
    """Return what a certificate says of its holder, read afresh.

    A company is named by its legal name and RUC, which is public, and
    through its representative; a person by name and masked document.
    """
    if company is None:
        return {
            "person": person,
            "company": None,
            "holder_name": person.full_name,
            "holder_document": person.masked_document(),
            "representative_name": "",
        }
    return {
        "person": person,
        "company": company,
        "holder_name": company.legal_name,
        "holder_document": f"RUC {company.ruc}",
        "representative_name": person.full_name,
    }


def title_for_holder(
    *, course: CoursePage, person: Person, company: Company | None
) -> str:
    """Return the course's certificate title as it reads for the holder.

    A person's reads as they chose (Person.title_form); a company's names
    the company, whatever its representative chose.
    """
    if company is not None:
        return course.certificate_title
    return course.certificate_title_for(person.title_form)


def reissued_title(old: Certificate, *, person: Person, company: Company | None) -> str:
    """Return the title a re-issue of `old` carries.

    What was certified is the title at issue time, so a later choice never
    alters a certificate already issued; a re-issue is a new certificate and
    reads as the holder chooses today. A title the course no longer has
    (the editor renamed it since) is carried over as earned.
    """
    course = old.course
    forms = {
        course.certificate_title,
        course.certificate_title_feminine,
        course.certificate_title_neutral,
    }
    if old.certificate_title not in forms:
        return old.certificate_title
    return title_for_holder(course=course, person=person, company=company)


def issue_for_completion(completion: Completion) -> Certificate:
    """Issue the certificate a completion earns, online or in a cohort."""
    enrolment = completion.enrolment
    issued_on = timezone.localdate(completion.completed_at)
    return issue_certificate(
        person=Person.objects.for_user(enrolment.user),
        course=enrolment.course,
        issued_on=issued_on,
        score=completion.score,
        completion=completion,
        delivery=delivery_of(completion, day=issued_on),
    )


def issue_company_certificates(completion: Completion) -> list[Certificate]:
    """Issue the certificate of each company this completion makes ready.

    A company's certificate is earned by several completions, so it records
    none (each completion earns one certificate, its person's own) and no
    score or group; it is never renewed early, only once expired.
    """
    issued_on = timezone.localdate(completion.completed_at)
    return [
        issue_certificate(
            person=company.representative,
            company=company,
            course=completion.enrolment.course,
            issued_on=issued_on,
            score=None,
        )
        for company in companies_ready(completion=completion, today=issued_on)
    ]


def issue_on_approval(company: Company, *, issued_on: date) -> list[Certificate]:
    """Issue the certificates an approved company earned while in review."""
    return [
        issue_certificate(
            person=company.representative,
            company=company,
            course=course,
            issued_on=issued_on,
            score=None,
        )
        for course in courses_ready(company=company, today=issued_on)
    ]


def issue_earned(completion: Completion) -> list[Certificate]:
    """Issue what a completion earns: its person's certificate, and companies'."""
    return [issue_for_completion(completion), *issue_company_certificates(completion)]


def issue_missing(*, today: date) -> list[Certificate]:
    """Issue the certificates that current completions earned but do not hold.

    Issuing follows the commit of a completion, so a failure there leaves
    the completion without its certificate; this finds and issues it, as
    issuing would have. A completion that a certificate already covered
    (two racing, say) gets that one again, so a second run issues nothing.
    Return the certificates issued now to the completions' holders.
    """
    waiting = Completion.objects.filter(
        revoked_at=None, certificate=None
    ).select_related("enrolment__course", "enrolment__user")
    issued = []
    for completion in waiting:
        if not completion.is_current(today=today):
            continue
        earned = issue_earned(completion)
        if earned[0].completion_id == completion.pk:
            issued.append(earned[0])
    return issued


def delivery_of(completion: Completion, *, day: date) -> dict:
    """Return who taught the course and where, for a cohort's completion; else {}."""
    participant = (
        Participant.objects.filter(completion=completion)
        .select_related(
            "cohort__trainer__person", "cohort__trainer__qualification__enrolment"
        )
        .first()
    )
    if participant is None:
        return {}
    cohort = participant.cohort
    return {
        "trainer": cohort.trainer.person.full_name,
        "trainer_code": trainer_code(cohort.trainer, day=day),
        "place": cohort.place(),
        "partner": cohort.partner_institution,
        "cohort": cohort.name,
    }


def trainer_code(trainer: TrainerCertification, *, day: date) -> str:
    """Return the code of the trainer's own certificate in force on `day`, or "".

    That is the certificate of the trainer course held that day, neither
    revoked nor replaced: preferably the one the approval named, else the
    latest (a renewal, or the re-issue of the named one).
    """
    qualification = trainer.qualification
    certificate = (
        Certificate.objects.filter(
            person=trainer.person_id,
            course=qualification.enrolment.course_id,
            revoked_at=None,
            superseded_by=None,
            issued_on__lte=day,
        )
        .filter(Q(expires_on=None) | Q(expires_on__gte=day))
        .order_by(Case(When(completion=qualification, then=0), default=1), "-issued_on")
        .first()
    )
    return certificate.code if certificate else ""


@transaction.atomic
def reissue(*, certificate: Certificate, by: User, now: datetime) -> Certificate:
    """Replace the certificate with a new one bearing the holder's current data.

    The holder's name and document are read afresh from the person, or from
    the company and its current representative, which is what a re-issue is
    for, and so is the title's form (reissued_title). The course details,
    who taught it, score and expiry date are carried over as earned: a
    correction never extends validity, and an expired certificate is renewed
    only by taking the course again. The issuer is the day's, as on any
    certificate issued today. The old certificate stays, marked as superseded
    by the new one, which takes over the completion that earned it: revoking
    the certificate in force then revokes the completion too
    (`certificates.revocation`).
    """
    old = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("person", "course", "company__representative")
        .get(pk=certificate.pk)
    )
    if old.revoked_at:
        raise ValueError(_("A revoked certificate cannot be re-issued."))
    if old.superseded_by_id:
        raise ValueError(_("This certificate has already been re-issued."))
    issued_on = timezone.localdate(now)
    if not old.covers(issued_on):
        raise ValueError(
            _(
                "An expired certificate cannot be re-issued: "
                "the course must be taken again."
            )
        )
    person, course, company = old.person, old.course, old.company
    if company is not None:
        # The company acts through whoever represents it today.
        person = company.representative
    latest = held_by(person=person, company=company, course=course).aggregate(
        period=Max("period")
    )
    completion, old.completion = old.completion, None
    # A completion earns one certificate: the old one lets go of it first.
    old.save(update_fields=["completion"])
    new = Certificate.objects.create(
        **holder_fields(person=person, company=company),
        code=codes.new_code(settings.CERTIFICATE_CODE_PREFIX),
        course=course,
        period=latest["period"] + 1,
        completion=completion,
        certificate_title=reissued_title(old, person=person, company=company),
        course_title=old.course_title,
        hours=old.hours,
        score=old.score,
        issued_on=issued_on,
        expires_on=old.expires_on,
        issuer=issuer_snapshot(course),
        delivery=old.delivery,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    log(
        instance=old,
        action="certificates.reissue",
        user=by,
        data={"replacement": new.code},
    )
    audit("certificate_reissued", user=by, certificate=old.code, replacement=new.code)
    # A worker must find the new row, so the PDF is made once it is committed.
    transaction.on_commit(partial(queue_delivery, new.pk))
    transaction.on_commit(status_list.forget_status_list)
    return new
