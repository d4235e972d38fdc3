"""The per-person training transcript, downloaded from the HR reports."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from certificates.transcripts import render_transcript_pdf, transcript_for
from lms.lib.audit import audit
from lms.staff.scopes import staff_for_user


def staff_transcript(request: HttpRequest, staff_id: int) -> HttpResponse:
    """Return the person's transcript as PDF; 404 outside the user's scope."""
    staff = staff_for_user(request.user, staff_id)
    transcript = transcript_for(staff, today=timezone.localdate())
    response = HttpResponse(render_transcript_pdf(transcript), "application/pdf")
    # No name or document number in the file name: it shows in download lists.
    response["Content-Disposition"] = f'inline; filename="historial-{staff.pk}.pdf"'
    audit("transcript_downloaded", staff_id=staff.pk)
    return response
