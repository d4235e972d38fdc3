"""A holder's own certificates: list, PDF download and sharing."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from certificates.delivery import store_pdf
from certificates.linkedin import add_to_profile_url
from certificates.models import Certificate


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    """List the person's own certificates, then those of companies they represent."""
    today = timezone.localdate()
    certificates = Certificate.objects.filter(person__user=request.user).select_related(
        "company", "superseded_by"
    )
    rows = [
        (certificate, certificate.status(today=today), add_to_profile_url(certificate))
        for certificate in certificates
    ]
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "rows": [row for row in rows if not row[0].company_id],
            "company_rows": [row for row in rows if row[0].company_id],
        },
    )


@login_required
def download_pdf(request: HttpRequest, code: str) -> FileResponse:
    """Serve the stored PDF; another person's certificate is a 404."""
    certificate = get_object_or_404(Certificate, code=code, person__user=request.user)
    store_pdf(certificate)  # renders only if the file was never stored
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.code}.pdf",
        content_type="application/pdf",
    )
