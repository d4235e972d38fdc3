"""Demo certificates in every state, so verification can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from certificates.delivery import store_pdf
from certificates.issuance import issue_certificate
from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from courses.dates import add_months
from courses.models import CoursePage
from lms.models import Person, User


@dataclass(frozen=True)
class DemoCertificate:
    state: str
    holder_email: str
    course_slug: str
    issued: str  # "days:N" ago, or "expires-in:N" days from today


DEMO_CERTIFICATES = (
    DemoCertificate(
        "vigente",
        "ciudadano@demo.regioncajamarca.pe",
        "ciudadano-por-la-integridad",
        "days:30",
    ),
    DemoCertificate(
        "por vencer",
        "empresa@demo.regioncajamarca.pe",
        "empresa-por-la-integridad",
        "expires-in:12",
    ),
    DemoCertificate(
        "vencido",
        "formadora@demo.regioncajamarca.pe",
        "formacion-formadores-integridad",
        "days:800",
    ),
    DemoCertificate(
        "revocado",
        "gobernador@demo.regioncajamarca.pe",
        "induccion-gobernadores-alta-direccion",
        "days:60",
    ),
)


def issue_date(course: CoursePage, rule: str, today: date) -> date:
    kind, amount = rule.split(":")
    if kind == "days":
        return today - timedelta(days=int(amount))
    # Issued so that the validity period ends `amount` days from today.
    return add_months(today + timedelta(days=int(amount) + 1), -course.validity_months)


def ensure_demo_certificates(
    *, now: datetime, revoked_by: User
) -> list[tuple[str, str]]:
    """Return (state, code) pairs, issuing the certificates the first time."""
    today = timezone.localdate(now)
    shown = []
    for demo in DEMO_CERTIFICATES:
        course = CoursePage.objects.filter(slug=demo.course_slug).first()
        person = Person.objects.filter(user__email=demo.holder_email).first()
        if course is None or person is None:
            continue
        certificate = Certificate.objects.filter(
            person=person, course=course, company=None
        ).first()
        if certificate is None:
            certificate = issue_certificate(
                person=person,
                course=course,
                issued_on=issue_date(course, demo.issued, today),
                score=85,
            )
            if demo.state == "revocado":
                revoke(
                    certificate=certificate,
                    reason=RevocationReason.ISSUED_IN_ERROR,
                    by=revoked_by,
                    now=now,
                )
        store_pdf(certificate)
        shown.append((demo.state, certificate.code))
    return shown
