"""Everything the platform holds about one account, for its owner to take away.

Ley 29733 (right of access) lets a person obtain all their personal data.
`personal_data` gathers it from the account outwards and from nowhere else,
so nothing of another person can slip in; the JSON and the PDF both render
this one dictionary. Correct answers of the question bank are left out: an
attempt shows the options the person chose and the score, not the key.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Prefetch

from lms.accounts.models import Consent
from lms.accounts.privacy import PRIVACY_NOTICE_VERSION
from lms.cohorts.models import Participant
from lms.companies.models import Company, CompanyMember
from lms.learning.models import Attempt, Enrolment
from lms.people.models import Person, User
from lms.staff.models import Assignment, OrganisationRole, StaffMember


def personal_data(user: User, *, now: datetime) -> dict[str, Any]:
    """Return the account's data and everything hanging from it."""
    person = Person.objects.filter(user=user).first()
    return {
        "generated_at": now,
        "privacy_notice_version": PRIVACY_NOTICE_VERSION,
        "account": _account(user),
        "person": _person(person) if person else None,
        "enrolments": _enrolments(user),
        "certificates": _certificates(person, today=now.date()) if person else [],
        "staff_record": _staff_record(person) if person else None,
        "roles": [
            {"role": role.get_role_display(), "unit": str(role.organisation or "")}
            for role in OrganisationRole.objects.filter(user=user).select_related(
                "organisation"
            )
        ],
        "companies": _companies(person) if person else [],
        "groups": _groups(person) if person else [],
        "consents": [
            {"notice_version": consent.notice_version, "given_at": consent.given_at}
            for consent in Consent.objects.filter(user=user)
        ],
    }


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        # Only whether one is set up: its secret is a credential, not data.
        "second_factor": Authenticator.objects.filter(
            user=user, type=Authenticator.Type.TOTP
        ).exists(),
    }


def _person(person: Person) -> dict[str, Any]:
    return {
        "first_names": person.first_names,
        "last_names": person.last_names,
        "document_type": person.get_document_type_display(),
        "document_number": person.document_number,
        "certificate_titles_read": person.get_title_form_display(),
    }


def _enrolments(user: User) -> list[dict[str, Any]]:
    enrolments = (
        Enrolment.objects.filter(user=user)
        .select_related("course")
        .prefetch_related(
            "lesson_progress__lesson",
            Prefetch("attempts", queryset=Attempt.objects.order_by("number")),
            "completions",
        )
        .order_by("enrolled_at")
    )
    return [
        {
            "course": enrolment.course.title,
            "enrolled_at": enrolment.enrolled_at,
            "lessons_completed": [
                {"lesson": progress.lesson.title, "completed_at": progress.completed_at}
                for progress in enrolment.lesson_progress.all()
            ],
            "attempts": [
                {
                    "number": attempt.number,
                    "started_at": attempt.started_at,
                    "submitted_at": attempt.submitted_at,
                    "score": attempt.score,
                    "passed": attempt.passed,
                    "answers": attempt.answers,
                }
                for attempt in enrolment.attempts.all()
            ],
            "completions": [
                {
                    "completed_at": completion.completed_at,
                    "score": completion.score,
                    "revoked_at": completion.revoked_at,
                }
                for completion in enrolment.completions.all()
            ],
        }
        for enrolment in enrolments
    ]


def _certificates(person: Person, *, today: date) -> list[dict[str, Any]]:
    """The person's certificates, a company's earned as its representative too.

    Read through Person.certificates, the reverse relation of
    certificates.Certificate.person: lms never imports certificates.
    """
    return [
        {
            "code": certificate.code,
            "title": certificate.certificate_title,
            "course": certificate.course_title,
            "holder": certificate.holder_name,
            "company": certificate.company.legal_name if certificate.company else "",
            "issued_on": certificate.issued_on,
            "expires_on": certificate.expires_on,
            "status": certificate.status(today=today).label,
            "verification_url": certificate.verification_url(),
        }
        for certificate in person.certificates.select_related("company")
    ]


def _staff_record(person: Person) -> dict[str, Any] | None:
    staff = (
        StaffMember.objects.filter(person=person)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("requirement").order_by(
                    "due_on"
                ),
            )
        )
        .first()
    )
    if staff is None:
        return None
    return {
        "institutional_email": staff.email,
        "unit": staff.unit.name,
        "post": staff.post,
        "regime": staff.get_regime_display(),
        "senior_official": staff.is_senior_official,
        "hired_on": staff.hired_on,
        "left_on": staff.left_on,
        "assignments": [
            {
                "requirement": assignment.requirement.name,
                "cycle": assignment.cycle,
                "due_on": assignment.due_on,
                "completed_on": assignment.completed_on,
                "waived": assignment.waived_at is not None,
                "closed_on": assignment.closed_on,
            }
            for assignment in staff.assignments.all()
        ],
    }


def _companies(person: Person) -> list[dict[str, Any]]:
    represented = [
        {
            "company": company.legal_name,
            "ruc": company.ruc,
            "as": "representative",
            "status": company.get_status_display(),
            "since": company.created_at,
        }
        for company in Company.objects.filter(representative=person)
    ]
    memberships = [
        {
            "company": member.company.legal_name,
            "ruc": member.company.ruc,
            "as": "member",
            "status": member.company.get_status_display(),
            "since": member.joined_at,
        }
        for member in CompanyMember.objects.filter(person=person).select_related(
            "company"
        )
    ]
    return represented + memberships


def _groups(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "group": place.cohort.name,
            "course": place.cohort.course.title,
            "joined_at": place.joined_at,
            "paper_score": place.paper_score,
        }
        for place in Participant.objects.filter(person=person).select_related(
            "cohort__course"
        )
    ]
