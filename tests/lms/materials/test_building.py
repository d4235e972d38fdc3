"""Building a course's material ahead: on publishing, once, and saying how it failed."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError

from courses.models import LessonPage
from lms.materials import documents, editions
from lms.materials.models import MaterialEdition
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

Status = MaterialEdition.Status
LIMA_NOON = datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("America/Lima"))


@pytest.fixture
def on_publish(settings):
    settings.BUILD_MATERIAL_ON_PUBLISH = True


@pytest.fixture
def renders(monkeypatch):
    """Stand-in PDFs and ZIP, made at once; the list says what was made."""
    made = []

    def pdf(course, *, edition):
        made.append(edition.value)
        return f"%PDF {edition.value} {course.title}".encode()

    def archive(course):
        made.append("zip")
        return io.BytesIO(b"PK zip")

    monkeypatch.setattr(documents, "material_pdf", pdf)
    monkeypatch.setattr(documents, "material_zip", archive)
    return made


def publish(page, django_capture_on_commit_callbacks) -> None:
    """Publish as the editor's request does: the build starts on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()


def test_publishing_the_course_builds_and_stores_its_material(
    course, on_publish, django_capture_on_commit_callbacks
):
    publish(course, django_capture_on_commit_callbacks)

    edition = MaterialEdition.objects.get()
    assert (edition.status, edition.step, edition.error) == (Status.DONE, 3, "")
    assert edition.content_version == documents.publication_key(course)
    assert edition.language == "es"
    with edition.participant_pdf.open("rb") as pdf:
        text = pdf_text(pdf.read())
    assert "Lección uno" in text and "Lección tres" in text
    with edition.archive.open("rb") as stored, zipfile.ZipFile(stored) as archive:
        assert sorted(archive.namelist()) == [
            "LEEME.txt",
            "induccion-guia-del-facilitador.pdf",
            "induccion-participante.pdf",
        ]
    # Stored under a name nobody can guess: the guide holds the answers.
    assert re.fullmatch(
        r"material/[0-9a-f]{32}/induccion-material\.zip", edition.archive.name
    )


def test_publishing_a_lesson_builds_again_and_drops_the_old_edition(
    course, on_publish, renders, django_capture_on_commit_callbacks
):
    publish(course, django_capture_on_commit_callbacks)
    old = MaterialEdition.objects.get()
    lesson = LessonPage.objects.get(slug="dos")
    lesson.title = "Lección dos, corregida"

    publish(lesson, django_capture_on_commit_callbacks)

    new = MaterialEdition.objects.get()
    assert new.pk != old.pk and new.status == Status.DONE
    assert new.content_version == documents.publication_key(course)
    assert not old.archive.storage.exists(old.archive.name)
    assert renders == ["participante", "guia-del-facilitador", "zip"] * 2


def test_a_saved_draft_or_a_page_outside_courses_builds_nothing(
    course, catalogue, on_publish, renders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision()
    publish(catalogue, django_capture_on_commit_callbacks)

    assert not MaterialEdition.objects.exists()
    assert renders == []


def test_without_the_setting_publishing_builds_nothing(
    course, renders, django_capture_on_commit_callbacks
):
    publish(course, django_capture_on_commit_callbacks)

    assert not MaterialEdition.objects.exists()


def test_a_build_run_twice_renders_once(course, renders):
    edition = editions.edition_for(course=course, language="es")
    editions.start(edition=edition)

    editions.build_edition(edition)
    editions.build_edition(MaterialEdition.objects.get(pk=edition.pk))

    assert renders == ["participante", "guia-del-facilitador", "zip"]


def test_a_new_edition_is_started_once(course, django_capture_on_commit_callbacks):
    edition = editions.edition_for(course=course, language="es")

    with django_capture_on_commit_callbacks() as callbacks:
        first = editions.start(edition=edition)
        second = editions.start(edition=MaterialEdition.objects.get(pk=edition.pk))

    assert (first, second, len(callbacks)) == (True, False, 1)


def test_one_edition_per_version_and_language(course):
    editions.edition_for(course=course, language="es")

    with pytest.raises(IntegrityError):
        MaterialEdition.objects.create(
            course=course,
            content_version=documents.publication_key(course),
            language="es",
        )


def test_a_failing_build_is_marked_failed_and_logged(course, monkeypatch, caplog):
    def broken(course, *, edition):
        raise OSError("No space left on device")

    monkeypatch.setattr(documents, "material_pdf", broken)
    edition = editions.edition_for(course=course, language="es")
    editions.start(edition=edition)

    with caplog.at_level(logging.ERROR, logger="lms.materials.editions"):
        editions.build_edition(edition)

    edition.refresh_from_db()
    assert (edition.status, edition.error) == (Status.FAILED, "No space left on device")
    assert not edition.archive
    [record] = caplog.records
    assert record.message == f"Material edition {edition.pk} failed."


def test_a_lost_build_may_start_again_but_not_one_under_way(course, renders):
    edition = editions.edition_for(course=course, language="es")
    MaterialEdition.objects.filter(pk=edition.pk).update(
        status=Status.RUNNING, step=2, updated_at=LIMA_NOON - timedelta(minutes=5)
    )

    with time_machine.travel(LIMA_NOON, tick=False):
        edition.refresh_from_db()
        assert not edition.has_failed(now=LIMA_NOON)
        assert editions.start_again(edition=edition) is False
    with time_machine.travel(LIMA_NOON + timedelta(minutes=11), tick=False):
        edition.refresh_from_db()
        assert edition.has_failed(now=LIMA_NOON + timedelta(minutes=11))
        assert editions.start_again(edition=edition) is True

    edition.refresh_from_db()
    assert (edition.status, edition.step) == (Status.PENDING, 0)
