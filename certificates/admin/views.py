"""Admin views to export the PDFs of the listed certificates as one ZIP.

For users holding `certificates.revoke_certificate` (and superusers) only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates.admin.actions import NAMESPACE, can_act
from certificates.admin.exports import matching, start_export
from certificates.admin.filters import filter_params
from certificates.admin.transcripts import render_transcript_pdf, transcript_for
from certificates.models import Certificate, CertificateExport
from lms.lib.audit import audit
from lms.staff.scopes import staff_for_user

EXPORTS_NAMESPACE = "certificate_exports"


# Seconds between two reloads of the progress page while the export runs.
REFRESH_EVERY = 2


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not can_act(request.user):
        raise PermissionDenied
    filters = filter_params(request.GET)
    index_url = reverse(f"{NAMESPACE}:index") + _query(filters)
    try:
        count = matching(filters).count()
    except ValueError:
        messages.error(request, _("The filter is not valid; correct it first."))
        return redirect(index_url)
    if request.method == "POST":
        export = start_export(filters=filters, by=request.user)
        return redirect(f"{EXPORTS_NAMESPACE}:progress", export.pk)
    context = {
        "count": count,
        "action_url": reverse(f"{EXPORTS_NAMESPACE}:start") + _query(filters),
        "cancel_url": index_url,
        **_header(_("Export PDFs (ZIP)"), index_url),
    }
    return TemplateResponse(request, "certificates/admin/export_start.html", context)


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    export = _export_to_see(request, pk)
    running = export.status in (
        CertificateExport.Status.PENDING,
        CertificateExport.Status.RUNNING,
    )
    context = {
        "export": export,
        "refresh_every": REFRESH_EVERY if running else None,
        "download_url": reverse(f"{EXPORTS_NAMESPACE}:download", args=[export.pk]),
        **_header(_("Export of certificate PDFs"), reverse(f"{NAMESPACE}:index")),
    }
    return TemplateResponse(request, "certificates/admin/export_progress.html", context)


@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    export = _export_to_see(request, pk)
    if export.status != CertificateExport.Status.DONE or not export.file:
        raise Http404
    audit("certificate_export_downloaded", export_id=export.pk)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"certificados-{export.pk}.zip",
        content_type="application/zip",
    )


urlpatterns = [
    path("new/", start, name="start"),
    path("<int:pk>/", progress, name="progress"),
    path("<int:pk>/download/", download, name="download"),
]


def _export_to_see(request: HttpRequest, pk: int) -> CertificateExport:
    # Checked before the lookup, so a user without the permission cannot
    # tell which exports exist.
    if not can_act(request.user):
        raise PermissionDenied
    return get_object_or_404(CertificateExport, pk=pk)


def _query(filters: dict[str, str]) -> str:
    return f"?{urlencode(filters)}" if filters else ""


def _header(title: str, index_url: str) -> dict:
    return {
        "header_title": title,
        "header_icon": "download",
        "breadcrumbs_items": [
            *WagtailAdminTemplateMixin.breadcrumbs_items,
            {
                "url": index_url,
                "label": capfirst(Certificate._meta.verbose_name_plural),
            },
            {"url": "", "label": title},
        ],
    }


def staff_transcript(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Return the person's transcript as PDF; 404 outside the user's scope."""
    staff = staff_for_user(request.user, staff_id)
    transcript = transcript_for(staff, today=timezone.localdate())
    response = HttpResponse(render_transcript_pdf(transcript), "application/pdf")
    # No name or document number in the file name: it shows in download lists.
    response["Content-Disposition"] = f'inline; filename="historial-{staff.pk}.pdf"'
    audit("transcript_downloaded", staff_id=staff.pk)
    return response
