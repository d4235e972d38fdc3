"""Storing a certificate's PDF once and sending it to its holder."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction

from certificates.models import Certificate
from certificates.pdf import render_certificate_pdf
from lms.lib.emails import build_message, render_email, site_url


@transaction.atomic
def deliver(certificate_id: int, *, now: datetime) -> None:
    """Store the PDF and e-mail it to the holder, once however often asked.

    The row stays locked while this runs, so a second job for the same
    certificate (queued again by the recovery sweep) waits, then finds it
    delivered. A job killed half-way leaves it undelivered, for the sweep.
    """
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=certificate_id)
    )
    if certificate.delivered_at:
        return
    store_pdf(certificate)
    send_to_holder(certificate)
    certificate.delivered_at = now
    certificate.save(update_fields=["delivered_at"])


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
    # In Spanish whatever language the request that completed the course was
    # in, as the certificate itself.
    subject, body = render_email(
        "certificate_issued", {"certificate": certificate, "site_url": site_url()}
    )
    message = build_message(to=user.email, subject=subject, body=body)
    with certificate.pdf.open("rb") as pdf:
        message.attach(f"{certificate.code}.pdf", pdf.read(), "application/pdf")
    message.send()
    return True
