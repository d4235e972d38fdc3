"""Certificate PDFs: the page a holder prints, rendered by lms.lib.pdf."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string

from certificates.models import Certificate
from lms.lib.pdf import render_html_pdf, stored_image_data_uri
from lms.lib.qr import qr_png_data_uri

TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = "certificates/certificate.css"


def render_certificate_pdf(certificate: Certificate) -> bytes:
    """Return the certificate as a one-page A4 landscape PDF."""
    return render_html_pdf(certificate_html(certificate), stylesheet_name=STYLESHEET)


def certificate_html(certificate: Certificate) -> str:
    """Return the certificate's HTML, every image inlined as a data URI."""
    return render_to_string(TEMPLATE, certificate_context(certificate))


def certificate_context(certificate: Certificate) -> dict[str, object]:
    """Return the template context: texts formatted for print, images inlined."""
    url = certificate.verification_url()
    issuer = certificate.issuer or {}
    return {
        "certificate": certificate,
        "issuer_name": issuer.get("name", ""),
        "logo": stored_image_data_uri(issuer.get("logo", "")),
        "signatories": [
            {
                "name": signatory.get("name", ""),
                "post": signatory.get("post", ""),
                "signature": stored_image_data_uri(signatory.get("signature", "")),
            }
            for signatory in issuer.get("signatories", [])
        ],
        "hours": hours_text(certificate.hours),
        "issued_on": date_text(certificate.issued_on),
        "issued_on_iso": certificate.issued_on.isoformat(),
        "expires_on": date_text(certificate.expires_on),
        "qr": qr_png_data_uri(url),
        "verification_url": url,
        "short_url": short_url(url, certificate.code),
    }


def hours_text(hours: Decimal | float | int) -> str:
    """Return "1 hora", "4 horas" or "4.5 horas", with a decimal point as in Peru."""
    number = Decimal(str(hours)).normalize()
    # normalize() writes 10 as 1E+1; the "f" format writes it back as 10.
    return f"{number:f} hora" if number == 1 else f"{number:f} horas"


def date_text(day: date | None) -> str:
    """Return the date as dd/mm/aaaa, or "" for no date."""
    return day.strftime("%d/%m/%Y") if day else ""


def short_url(url: str, code: str) -> str:
    """Return the verification page without scheme or code, for people to type."""
    bare = url.split("://", 1)[-1]
    page, found, _rest = bare.rpartition(code)
    return page if found else bare
