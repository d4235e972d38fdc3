"""Storing a certificate's PDF once and sending it to its holder."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf


def store_pdf(certificate: Certificate, *, again: bool = False) -> None:
    """Render and store the PDF unless it already is; `again` replaces it."""
    if certificate.pdf and not again:
        return
    data = render_certificate_pdf(certificate)
    if certificate.pdf:
        certificate.pdf.delete(save=False)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
    certificate.save(update_fields=["pdf", "pdf_sha256"])


def send_to_holder(certificate: Certificate) -> bool:
    """E-mail the PDF and verification link in Spanish; False if no address."""
    user = certificate.person.user
    if user is None or not user.email:
        return False
    # The holder reads Spanish whatever language the request that completed
    # the course was in; the certificate itself is in Spanish too.
    with translation.override("es"):
        context = {
            "certificate": certificate,
            "site_url": settings.WAGTAILADMIN_BASE_URL,
        }
        subject = render_to_string("emails/certificate_issued_subject.txt", context)
        body = render_to_string("emails/certificate_issued.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, to=[user.email])
    with certificate.pdf.open("rb") as pdf:
        message.attach(f"{certificate.code}.pdf", pdf.read(), "application/pdf")
    message.send()
    return True
