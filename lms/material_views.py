"""Downloads of a course's material for offline teaching (lms.materials).

For certified trainers and the course's editors; the files carry the
answers to the assessment, so they are never cached by shared caches.
"""

from __future__ import annotations

import io
from typing import IO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from courses.models import CoursePage
from lms import materials
from lms.materials import Edition


def _course_to_download(request: HttpRequest, course_id: int) -> CoursePage:
    """Return the live course, if the user may download its material."""
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    if not materials.may_download_material(request.user, course):
        raise PermissionDenied
    return course


def _download(file: IO[bytes], filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        file, as_attachment=True, filename=filename, content_type=content_type
    )
    patch_cache_control(response, private=True)
    return response


def _edition_pdf(
    request: HttpRequest, course_id: int, edition: Edition
) -> FileResponse:
    course = _course_to_download(request, course_id)
    pdf = materials.material_pdf(course, edition=edition)
    return _download(io.BytesIO(pdf), edition.filename(course), "application/pdf")


@require_GET
@login_required
def participant_pdf(request: HttpRequest, course_id: int) -> FileResponse:
    return _edition_pdf(request, course_id, Edition.PARTICIPANT)


@require_GET
@login_required
def facilitator_pdf(request: HttpRequest, course_id: int) -> FileResponse:
    return _edition_pdf(request, course_id, Edition.FACILITATOR)


@require_GET
@login_required
def material_zip(request: HttpRequest, course_id: int) -> FileResponse:
    course = _course_to_download(request, course_id)
    archive = materials.material_zip(course)
    return _download(archive, materials.zip_filename(course), "application/zip")
