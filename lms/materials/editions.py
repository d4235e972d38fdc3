"""Building a course's material edition in the background, once per version."""

from __future__ import annotations

import logging
from functools import partial

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django_tasks import task
from redis.exceptions import RedisError

from courses.models import CoursePage
from lms.materials import documents
from lms.materials.documents import Edition
from lms.materials.models import STALE_AFTER, MaterialEdition

Status = MaterialEdition.Status
logger = logging.getLogger(__name__)


def edition_for(*, course: CoursePage, language: str) -> MaterialEdition:
    """Return the edition of the course as published now, new if there is none.

    Two requests arriving together both reach `get_or_create`; the unique
    constraint lets one row in.
    """
    edition, _created = MaterialEdition.objects.get_or_create(
        course=course,
        content_version=documents.publication_key(course),
        language=language,
    )
    edition.course = course  # at hand already: the download names its files
    return edition


def start(*, edition: MaterialEdition) -> bool:
    """Queue the build of a new edition; return whether this call did.

    The update is conditional, so of the requests that see the edition new
    only one queues its build.
    """
    rows = MaterialEdition.objects.filter(pk=edition.pk, status=Status.NEW)
    if not rows.update(status=Status.PENDING, updated_at=timezone.now()):
        return False
    edition.status = Status.PENDING
    transaction.on_commit(partial(queue_build, edition.pk))
    return True


def build_when_published(*, course_id: int, language: str) -> None:
    """Start building the material of the course as it is live now, if still live.

    Called once the publishing transaction has committed, so the version
    built is the one just published.
    """
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is not None:
        start(edition=edition_for(course=course, language=language))


def start_again(*, edition: MaterialEdition) -> bool:
    """Queue a failed or lost build again; return whether this call did.

    The update is conditional, so two clicks on "try again" queue one build.
    """
    now = timezone.now()
    retryable = Q(status=Status.FAILED) | Q(
        status__in=[Status.PENDING, Status.RUNNING],
        updated_at__lt=now - STALE_AFTER,
    )
    rows = MaterialEdition.objects.filter(retryable, pk=edition.pk)
    if not rows.update(status=Status.PENDING, step=0, error="", updated_at=now):
        return False
    transaction.on_commit(partial(queue_build, edition.pk))
    return True


def queue_build(edition_id: int) -> None:
    """Queue the build; if the queue cannot be reached, fail it saying so.

    The person waiting sees the failure and may try again, instead of a
    progress page that never moves.
    """
    try:
        build_material_edition.enqueue(edition_id)
    except RedisError:
        logger.exception("Material edition %s not queued.", edition_id)
        edition = MaterialEdition.objects.get(pk=edition_id)
        _advance(
            edition,
            Status.PENDING,
            status=Status.FAILED,
            error="The task queue is not available.",
        )


def build_edition(edition: MaterialEdition) -> None:
    """Render and store both PDFs and the ZIP, saying which step is running.

    Only a pending edition is built, so a job run twice builds it once. Any
    error marks the edition failed; the traceback goes to the log.
    """
    if not _advance(edition, Status.PENDING, status=Status.RUNNING, step=1):
        return
    try:
        with translation.override(edition.language):
            files = _render(edition)
    except Exception as error:
        logger.exception("Material edition %s failed.", edition.pk)
        message = str(error) or type(error).__name__
        _advance(edition, Status.RUNNING, status=Status.FAILED, error=message)
        return
    if _advance(edition, Status.RUNNING, status=Status.DONE, **files):
        _discard_older(edition)


def _render(edition: MaterialEdition) -> dict[str, File]:
    course = edition.course
    pdfs = {}
    for step, kind in enumerate(Edition, start=1):
        _advance(edition, Status.RUNNING, step=step)
        pdfs[kind] = documents.material_pdf(course, edition=kind)
    _advance(edition, Status.RUNNING, step=len(Edition) + 1)
    # The ZIP takes the PDFs just rendered from the cache.
    with documents.material_zip(course) as archive:
        edition.archive.save(documents.zip_filename(course), File(archive), False)
    for kind, field in [
        (Edition.PARTICIPANT, edition.participant_pdf),
        (Edition.FACILITATOR, edition.facilitator_pdf),
    ]:
        field.save(kind.filename(course), ContentFile(pdfs[kind]), save=False)
    return {
        "participant_pdf": edition.participant_pdf,
        "facilitator_pdf": edition.facilitator_pdf,
        "archive": edition.archive,
    }


def _discard_older(edition: MaterialEdition) -> None:
    """Delete the finished editions this one replaces, files included."""
    older = MaterialEdition.objects.filter(
        course_id=edition.course_id,
        language=edition.language,
        status__in=[Status.DONE, Status.FAILED],
        created_at__lt=edition.created_at,
    )
    for old in older:
        for field in [old.participant_pdf, old.facilitator_pdf, old.archive]:
            if field:
                field.delete(save=False)
        old.delete()


def _advance(edition: MaterialEdition, expected: str, /, **values) -> bool:
    """Save `values` if the edition still has status `expected`; return whether it did.

    The condition keeps a second run of the job, or a late step update, from
    overwriting a state another run has already moved on from.
    """
    values["updated_at"] = timezone.now()
    rows = MaterialEdition.objects.filter(pk=edition.pk, status=expected)
    if not rows.update(**values):
        return False
    for field, value in values.items():
        setattr(edition, field, value)
    return True


@task()
def build_material_edition(edition_id: int) -> None:
    """Build a queued edition (the immediate backend runs it at once)."""
    build_edition(MaterialEdition.objects.get(pk=edition_id))
