"""The public JSON API: what the verification page says, for other systems."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import NinjaAPI, Schema, Status
from ninja.decorators import decorate_view

from certificates import codes
from certificates.models import Certificate
from certificates.models import Status as CertificateStatus
from certificates.signing import credentials, status_list
from certificates.verification import lookup

api = NinjaAPI(title="Integridad Cajamarca", version="1", urls_namespace="api-v1")


class DeliveryOut(Schema):
    """Who taught the course and where, for a certificate earned in a group."""

    trainer: str = ""
    trainer_code: str = ""
    place: str = ""
    partner: str = ""
    cohort: str = ""


class CompanyOut(Schema):
    """The company holding a certificate, and who earned it for the company."""

    legal_name: str
    ruc: str
    representative: str


class CertificateOut(Schema):
    code: str
    status: CertificateStatus
    holder_name: str
    holder_document: str
    course_title: str
    certificate_title: str
    hours: float
    issued_on: date
    expires_on: date | None
    # Only the date: why it was revoked is for the issuer's staff.
    revoked_on: date | None
    issuer_name: str
    verification_url: str
    pdf_sha256: str | None
    # Only for a certificate earned in a trainer-led group; absent otherwise.
    delivery: DeliveryOut | None = None
    # Only for a company's certificate; absent for a person's.
    company: CompanyOut | None = None


class Problem(Schema):
    detail: str


@api.get(
    "/certificates/{code}",
    response={200: CertificateOut, 400: Problem, 404: Problem, 429: Problem},
    url_name="certificate",
    summary="Verify a certificate",
    # Leaves out `delivery` for online certificates and `company` for a
    # person's, as answers were before them.
    exclude_unset=True,
)
@decorate_view(never_cache)  # names the holder: no shared cache may keep it
def certificate(request: HttpRequest, code: str, response: HttpResponse):
    """Return a certificate's status and public details by its code.

    The code may be typed loosely (lower case, spaces, O for 0); the answer
    gives it in canonical form. A certificate earned in a trainer-led group
    also says who taught it, where and with whom (`delivery`); a company's
    certificate names the company and its representative (`company`). Each
    client address may verify a limited number of codes per minute; over it,
    wait Retry-After seconds.
    """
    found = _find(request, code, response)
    if isinstance(found, Status):
        return found
    return public_details(found, today=timezone.localdate())


def public_details(certificate: Certificate, *, today: date) -> dict:
    """Return what anyone may know of a certificate: nothing more than its page."""
    revoked_at = certificate.revoked_at
    details = {
        "code": certificate.code,
        "status": certificate.status(today=today),
        "holder_name": certificate.holder_name,
        "holder_document": certificate.holder_document,
        "course_title": certificate.course_title,
        "certificate_title": certificate.certificate_title,
        "hours": certificate.hours,
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
        "revoked_on": timezone.localdate(revoked_at) if revoked_at else None,
        "issuer_name": certificate.issuer.get("name", ""),
        "verification_url": certificate.verification_url(),
        "pdf_sha256": certificate.pdf_sha256 or None,
    }
    if certificate.delivery:
        details["delivery"] = certificate.delivery
    if certificate.company_id:
        details["company"] = {
            "legal_name": certificate.holder_name,
            "ruc": certificate.company_ruc,
            "representative": certificate.representative_name,
        }
    return details


VC_JWT_RESPONSE = {
    "description": "The VC-JWT (compact JWS) of an Open Badges 3.0 credential.",
    "content": {credentials.MEDIA_TYPE: {"schema": {"type": "string"}}},
}


@api.get(
    "/certificates/{code}/credential",
    response={200: None, 400: Problem, 404: Problem, 429: Problem},
    url_name="certificate_credential",
    summary="Get a certificate as a signed Open Badges 3.0 credential",
    openapi_extra={"responses": {200: VC_JWT_RESPONSE}},
)
@decorate_view(never_cache)
def certificate_credential(request: HttpRequest, code: str, response: HttpResponse):
    """Return the certificate as an OpenBadgeCredential signed as a VC-JWT.

    Verify it with the keys at /.well-known/jwks.json (or the DID document at
    /.well-known/did.json); its credentialStatus points to the revocation list.
    Limited like the JSON answer, with which it shares the per-minute budget.
    """
    found = _find(request, code, response)
    if isinstance(found, Status):
        return found
    return _vc_jwt(credentials.signed_credential(found), robots="noindex, nofollow")


@api.get(
    "/status-list/revocation",
    response={200: None},
    url_name="revocation_status_list",
    summary="Get the signed revocation status list",
    openapi_extra={"responses": {200: VC_JWT_RESPONSE}},
)
def revocation_status_list(request: HttpRequest):
    """Return the BitstringStatusListCredential of every revoked certificate."""
    return _vc_jwt(status_list.signed_status_list(), robots="noindex")


def _find(
    request: HttpRequest, code: str, response: HttpResponse
) -> Certificate | Status:
    """Return the certificate of a code as typed, or the 400, 429 or 404 to answer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    try:
        code = codes.normalise(code, prefix=settings.CERTIFICATE_CODE_PREFIX)
    except codes.CodeError as error:
        return Status(400, {"detail": str(error)})
    if retry_after := lookup.throttle(request):
        response["Retry-After"] = str(retry_after)
        return Status(429, {"detail": _("Too many verifications: try again later.")})
    found = lookup.lookup(code)
    if found is None:
        return Status(404, {"detail": _("There is no certificate with this code.")})
    return found


def _vc_jwt(token: str, *, robots: str) -> HttpResponse:
    response = HttpResponse(token, content_type=credentials.MEDIA_TYPE)
    response["X-Robots-Tag"] = robots
    # Verifiers running in a browser fetch credentials from other origins.
    response["Access-Control-Allow-Origin"] = "*"
    return response
