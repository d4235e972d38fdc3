"""Downloads of a course's material for offline teaching (lms.materials.documents).

For certified trainers and the course's editors; the files carry the
answers to the assessment, so they are never cached by shared caches.
The files are built in the background (lms.editions): a download asked for
before its edition is ready leads to a page that follows the build. That
page is sent before the build starts; its first look at the status (the
script's, or the refresh's without JavaScript) starts it. Where tasks run
inline (no Redis, as in the demo) the build then holds up that look, not
the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from courses.models import CoursePage
from lms.materials import documents, editions
from lms.materials.documents import Edition
from lms.materials.models import STEPS, MaterialEdition

# Seconds between two looks at the build, by the script or the page's refresh.
REFRESH_EVERY = 2
# In the progress page's own refresh: the page is followed, so the build starts.
FOLLOWING = "seguir"
# Each download, by the edition's field holding it: its name and its type.
DOWNLOADS: dict[str, tuple[Callable[[CoursePage], str], str]] = {
    "participant_pdf": (Edition.PARTICIPANT.filename, "application/pdf"),
    "facilitator_pdf": (Edition.FACILITATOR.filename, "application/pdf"),
    "archive": (documents.zip_filename, "application/zip"),
}


def _course_to_download(request: HttpRequest, course_id: int) -> CoursePage:
    """Return the live course, if the user may download its material."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not documents.may_download_material(request.user, course):
        raise PermissionDenied
    return course


def _current_edition(request: HttpRequest, course_id: int) -> MaterialEdition:
    course = _course_to_download(request, course_id)
    return editions.edition_for(course=course, language=get_language())


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _serve(request: HttpRequest, course_id: int, field: str) -> HttpResponse:
    """Stream the stored file, or send the user to follow its build."""
    edition = _current_edition(request, course_id)
    if not edition.is_ready():
        return redirect("materials:progress", course_id)
    filename, content_type = DOWNLOADS[field]
    response = FileResponse(
        getattr(edition, field).open("rb"),
        as_attachment=True,
        filename=filename(edition.course),
        content_type=content_type,
    )
    patch_cache_control(response, private=True)
    return response


@require_GET
@login_required
def participant_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    return _serve(request, course_id, "participant_pdf")


@require_GET
@login_required
def facilitator_pdf(request: HttpRequest, course_id: int) -> HttpResponse:
    return _serve(request, course_id, "facilitator_pdf")


@require_GET
@login_required
def material_zip(request: HttpRequest, course_id: int) -> HttpResponse:
    return _serve(request, course_id, "archive")


@require_GET
@login_required
def progress(request: HttpRequest, course_id: int) -> HttpResponse:
    """Show the build's step until the files are ready, then their links."""
    edition = _current_edition(request, course_id)
    if FOLLOWING in request.GET and editions.start(edition=edition):
        edition.refresh_from_db()  # built already, where tasks run inline
    failed = edition.has_failed(now=timezone.now())
    context = {
        "course": edition.course,
        "edition": edition,
        "failed": failed,
        "refresh_every": None if failed or edition.is_ready() else REFRESH_EVERY,
        "steps": len(STEPS),
        "following": FOLLOWING,
    }
    return _no_store(render(request, "lms/materials/progress.html", context))


@require_GET
@login_required
def status(request: HttpRequest, course_id: int) -> JsonResponse:
    """Return the build's state for the progress page's script."""
    edition = _current_edition(request, course_id)
    if editions.start(edition=edition):
        edition.refresh_from_db()  # built already, where tasks run inline
    failed = edition.has_failed(now=timezone.now())
    data = {
        "ready": edition.is_ready(),
        "failed": failed,
        "step": edition.step,
        "steps": len(STEPS),
        "message": edition.progress_message(),
    }
    return _no_store(JsonResponse(data))


@require_POST
@login_required
def start_again(request: HttpRequest, course_id: int) -> HttpResponseRedirect:
    """Build a failed (or lost) edition again, then follow it."""
    editions.start_again(edition=_current_edition(request, course_id))
    return redirect(reverse("materials:progress", args=[course_id]))
