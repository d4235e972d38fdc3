"""Demo certificates in every state, so verification can be tried at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Site

from certificates.delivery import store_pdf
from certificates.issuance import issue_certificate, issue_missing
from certificates.models import Certificate, IssuerSettings, RevocationReason
from certificates.revocation import revoke
from courses.dates import add_months
from courses.models import CoursePage
from lms.companies.registration import approve_company, register_company
from lms.models import Company, Person, ProofKind, User


@dataclass(frozen=True)
class DemoCertificate:
    state: str
    holder_email: str
    course_slug: str
    issued: str  # "days:N" ago, or "expires-in:N" days from today


# The business representative: her own certificate is about to expire, her
# firm's (ensure_demo_company) is valid.
REPRESENTATIVE = DemoCertificate(
    "por vencer",
    "empresa@demo.regioncajamarca.pe",
    "empresa-por-la-integridad",
    "expires-in:12",
)
DEMO_CERTIFICATES = (
    DemoCertificate(
        "vigente",
        "ciudadano@demo.regioncajamarca.pe",
        "ciudadano-por-la-integridad",
        "days:30",
    ),
    REPRESENTATIVE,
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


ISSUER_FILES = Path(settings.BASE_DIR) / "fixtures" / "issuer"
# The signatories of the README's certificate picture. Fictitious people; the
# logo and signatures are drawn for the demo, no official emblem or real hand.
DEMO_LOGO = (
    "Logo del Gobierno Regional de Cajamarca (demo)",
    "logo-gobierno-regional.svg",
)
DEMO_SIGNATORIES = (
    ("Juan Carlos Ramírez Chávez", "Gobernador Regional", "firma-gobernador.svg"),
    (
        "María del Pilar Vásquez Cabrera",
        "Jefa de la Oficina de Integridad Institucional",
        "firma-integridad.svg",
    ),
)


def demo_image(title: str, file_name: str):
    """Return the demo image of that title, adding it to the library once."""
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        data = (ISSUER_FILES / file_name).read_bytes()
        image = Image(title=title, file=ContentFile(data, name=file_name))
        image.save()
    return image


def ensure_demo_issuer() -> IssuerSettings:
    """Give the site's issuer the demo's logo and signatories, if it has none.

    An issuer an editor already set up is left alone. Runs before the demo
    issues certificates, which copy the issuer at issue.
    """
    issuer = IssuerSettings.for_site(Site.objects.get(is_default_site=True))
    if issuer.logo_id or issuer.signatories:
        return issuer
    issuer.issuer_name = issuer.issuer_name or settings.CERTIFICATE_ISSUER
    issuer.logo = demo_image(*DEMO_LOGO)
    issuer.signatories = [
        (
            "signatory",
            {
                "name": name,
                "post": post,
                "signature": demo_image(f"Firma de {name} (demo)", file_name),
            },
        )
        for name, post, file_name in DEMO_SIGNATORIES
    ]
    issuer.save()
    return issuer


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
        store_without_email(certificate, now=now)
        shown.append((demo.state, certificate.code))
    company = ensure_demo_company(now=now, approved_by=revoked_by)
    if company:
        shown.append(("empresa", company.code))
    return shown


DEMO_COMPANY = {
    "ruc": "20601234565",
    "legal_name": "Cafés Especiales de Jaén S.A.C.",
    "address": "Av. Pakamuros 845, Jaén, Cajamarca",
}


# A one-page PDF standing for the firm's ficha RUC: the demo's proof.
DEMO_PROOF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def issue_staff_certificates(*, now: datetime) -> int:
    """Give the demo staff's completions the certificates learning would have.

    They count as delivered, without e-mail; the PDF is rendered when first
    downloaded. Otherwise the recovery sweep would issue and e-mail them.
    """
    issued = issue_missing(today=timezone.localdate(now))
    Certificate.objects.filter(pk__in=[each.pk for each in issued]).update(
        delivered_at=now
    )
    return len(issued)


def store_without_email(certificate: Certificate, *, now: datetime) -> None:
    """Store the PDF and count the certificate delivered.

    The demo's holders are not e-mailed: without `delivered_at` the recovery
    sweep (deliver_pending_certificates) would e-mail them on its first run.
    """
    store_pdf(certificate)
    if certificate.delivered_at is None:
        certificate.delivered_at = now
        certificate.save(update_fields=["delivered_at"])


def ensure_demo_company(*, now: datetime, approved_by: User) -> Certificate | None:
    """Register the business representative's firm, approved, and its certificate.

    The firm's proof of representation is a demo ficha RUC, approved by
    `approved_by`. Its certificate was earned a month ago, so it is valid
    while the representative's own one is about to expire: the registry
    shows both.
    """
    course = CoursePage.objects.filter(slug=REPRESENTATIVE.course_slug).first()
    person = Person.objects.filter(user__email=REPRESENTATIVE.holder_email).first()
    if course is None or person is None:
        return None
    today = timezone.localdate(now)
    company = Company.objects.filter(ruc=DEMO_COMPANY["ruc"], representative=person)
    company = company.first() or register_company(
        user=person.user,
        **DEMO_COMPANY,
        proof=ContentFile(DEMO_PROOF, name="ficha-ruc.pdf"),
        proof_kind=ProofKind.RUC_RECORD,
        now=now,
    )
    if not company.is_approved:
        company = approve_company(company=company, by=approved_by, now=now)
    certificate = Certificate.objects.filter(company=company, course=course).first()
    if certificate is None:
        certificate = issue_certificate(
            person=person,
            company=company,
            course=course,
            issued_on=today - timedelta(days=30),
            score=None,
        )
    store_without_email(certificate, now=now)
    return certificate
