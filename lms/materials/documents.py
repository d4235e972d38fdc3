"""Course material for offline teaching: participant edition, facilitator guide, ZIP.

Everything follows the published course: live pages only, each read from its
database row, which Wagtail writes on publishing and leaves alone when an
editor saves a draft. The PDFs are cached under a key that changes whenever a
page of the course is published, unpublished, moved or deleted.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import math
import re
import shutil
import string
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.cache import cache
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from wagtail.documents import get_document_model
from wagtail.embeds.models import Embed
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage
from courses.quizzes import Question
from lms.lib.pdf import render_html_pdf, stored_image_data_uri
from lms.people.models import User
from lms.trainers.registry import acting_certification

logger = logging.getLogger(__name__)

TEMPLATE = "lms/materials/material.html"
README_TEMPLATE = "lms/materials/leeme.txt"
STYLESHEET = "print/material.css"
README_NAME = "LEEME.txt"
# About 170 dpi across the printed column: sharp on paper, light in the PDF.
PRINT_RENDITION = "max-1200x1200"
# The longest session suggested: a two-hour workshop block.
SESSION_MINUTES = 120
# The time allowed per question of the paper test, as for any multiple choice.
MINUTES_PER_QUESTION = 1
# Repeated downloads are served from the cache; a publish changes the key, so
# the timeout only bounds how long an unused copy takes up room.
CACHE_SECONDS = 7 * 24 * 60 * 60


class Edition(enum.Enum):
    """The two printed editions; the value ends the file name."""

    PARTICIPANT = "participante"
    FACILITATOR = "guia-del-facilitador"

    def filename(self, course: CoursePage) -> str:
        return f"{course.slug}-{self.value}.pdf"


def zip_filename(course: CoursePage) -> str:
    return f"{course.slug}-material.zip"


@dataclass(frozen=True)
class Attachment:
    """A document or original image of the lessons, as the ZIP names it."""

    name: str
    title: str
    file: FieldFile
    lessons: tuple[str, ...]


@dataclass
class PrintBlock:
    """A lesson block with what its print needs besides its value."""

    kind: str
    value: Any
    attachment: Attachment | None = None
    video_title: str = ""

    @property
    def template(self) -> str:
        return f"lms/materials/blocks/{self.kind}.html"

    @cached_property
    def image_data_uri(self) -> str:
        """Return the image at print size, inlined; "" if it is gone."""
        image = self.value["image"]
        if image is None:
            return ""
        try:
            rendition = image.get_rendition(PRINT_RENDITION)
        except SourceImageIOError:
            logger.warning("The original of image %s is missing.", image.pk)
            return ""
        return stored_image_data_uri(rendition.file.name)


@dataclass(frozen=True)
class LessonMaterial:
    lesson: LessonPage
    number: int
    starts: int  # minutes from the start of the course
    blocks: tuple[PrintBlock, ...]

    @property
    def ends(self) -> int:
        return self.starts + self.lesson.minutes

    @property
    def period(self) -> str:
        return f"{clock(self.starts)}–{clock(self.ends)}"


@dataclass(frozen=True)
class Section:
    """The lessons of one module, or lessons placed straight in the course."""

    module: ModulePage | None
    lessons: tuple[LessonMaterial, ...]


@dataclass(frozen=True)
class Session:
    number: int
    lessons: tuple[LessonMaterial, ...]
    assessment_minutes: int  # 0 except in the last session

    @property
    def minutes(self) -> int:
        lessons = sum(item.lesson.minutes for item in self.lessons)
        return lessons + self.assessment_minutes


@dataclass(frozen=True)
class Material:
    course: CoursePage
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    attachments: tuple[Attachment, ...]
    published_at: datetime | None

    @property
    def lessons(self) -> list[LessonMaterial]:
        return [item for section in self.sections for item in section.lessons]

    @property
    def lesson_minutes(self) -> int:
        return self.lessons[-1].ends if self.lessons else 0

    @property
    def assessment_minutes(self) -> int:
        return len(self.questions) * MINUTES_PER_QUESTION

    @property
    def assessment_period(self) -> str:
        end = self.lesson_minutes + self.assessment_minutes
        return f"{clock(self.lesson_minutes)}–{clock(end)}"

    def sessions(self) -> list[Session]:
        return plan_sessions(
            self.lessons,
            hours=self.course.estimated_hours,
            assessment_minutes=self.assessment_minutes,
        )

    def answer_key(self) -> list[tuple[int, str]]:
        """Return each question's number and the letters of its correct options."""
        return [
            (number, ", ".join(answer_letters(question)))
            for number, question in enumerate(self.questions, start=1)
        ]


def clock(minutes: int) -> str:
    """Return minutes as h:mm, the way an agenda prints them."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def answer_letters(question: Question) -> list[str]:
    """Return the letters (a, b, …) of the correct options, as the PDF lists them."""
    return [
        string.ascii_lowercase[index]
        for index, option in enumerate(question.options)
        if option.correct
    ]


def plan_sessions(
    lessons: Sequence[LessonMaterial], *, hours: Decimal, assessment_minutes: int
) -> list[Session]:
    """Split the lessons into consecutive sessions of similar length.

    The course's estimated hours set how many sessions of up to
    SESSION_MINUTES it takes. A lesson goes to the session its middle falls
    in, so none is cut in two; the assessment closes the last session.
    """
    count = max(1, min(len(lessons), math.ceil(hours * 60 / SESSION_MINUTES)))
    total = lessons[-1].ends if lessons else 0
    groups: list[list[LessonMaterial]] = [[] for _ in range(count)]
    for item in lessons:
        middle = item.starts + item.lesson.minutes / 2
        groups[min(count - 1, int(middle * count / total))].append(item)
    groups = [group for group in groups if group] or [[]]
    return [
        Session(
            number=number,
            lessons=tuple(group),
            assessment_minutes=assessment_minutes if number == len(groups) else 0,
        )
        for number, group in enumerate(groups, start=1)
    ]


def gather_material(course: CoursePage) -> Material:
    """Collect the published course: live lessons in order, bank, files."""
    # Read again from the database: a course object at hand may carry an
    # unpublished draft's values, and the cache key describes the database.
    course = CoursePage.objects.live().get(pk=course.pk)
    lessons = {lesson.pk: lesson for lesson in course.lessons()}
    outline = [
        (module, [lessons[lesson.pk] for lesson in group])
        for module, group in course.outline()
    ]
    ordered = [lesson for _module, group in outline for lesson in group]
    attachments = collect_attachments(ordered)
    titles = video_titles(ordered)
    sections, starts, number = [], 0, 0
    for module, group in outline:
        items = []
        for lesson in group:
            number += 1
            blocks = print_blocks(lesson, attachments, titles)
            items.append(LessonMaterial(lesson, number, starts, blocks))
            starts += lesson.minutes
        sections.append(Section(module, tuple(items)))
    published = [page.last_published_at for page in [course, *ordered]]
    return Material(
        course=course,
        sections=tuple(sections),
        questions=tuple(course.questions()),
        attachments=tuple(attachments.values()),
        published_at=max(filter(None, published), default=None),
    )


def print_blocks(
    lesson: LessonPage,
    attachments: dict[tuple[type[Model], str], Attachment],
    titles: dict[str, str],
) -> tuple[PrintBlock, ...]:
    blocks = []
    for block in lesson.body:
        kind, value, extra = block.block_type, block.value, {}
        if kind == "document" and value["document"]:
            key = (get_document_model(), str(value["document"].pk))
            extra["attachment"] = attachments.get(key)
        elif kind == "video" and value["video"]:
            extra["video_title"] = titles.get(value["video"].url, "")
        blocks.append(PrintBlock(kind, value, **extra))
    return tuple(blocks)


def video_titles(lessons: Iterable[LessonPage]) -> dict[str, str]:
    """Return the titles Wagtail has cached for the lessons' videos, by URL.

    Only the cache is read: rendering a PDF never calls a video provider.
    """
    urls = {
        block.value["video"].url
        for lesson in lessons
        for block in lesson.body
        if block.block_type == "video" and block.value["video"]
    }
    return dict(
        Embed.objects.filter(url__in=urls).exclude(title="").values_list("url", "title")
    )


def collect_attachments(
    lessons: Iterable[LessonPage],
) -> dict[tuple[type[Model], str], Attachment]:
    """Return every document and image the lessons use, in reading order.

    Blocks and rich-text links both count. Each file gets a safe name,
    unique inside the ZIP, under documentos/ or imagenes/.
    """
    document_model, image_model = get_document_model(), get_image_model()
    folders = {document_model: "documentos", image_model: "imagenes"}
    used: dict[tuple[type[Model], str], list[str]] = {}
    for lesson in lessons:
        references = lesson.body.stream_block.extract_references(lesson.body)
        for model, object_id, _model_path, _content_path in references:
            if model in folders:
                titles = used.setdefault((model, str(object_id)), [])
                if lesson.title not in titles:
                    titles.append(lesson.title)
    found = {
        (model, str(instance.pk)): instance
        for model in folders
        for instance in model.objects.filter(
            pk__in=[pk for kind, pk in used if kind is model]
        )
    }
    taken: set[str] = set()
    attachments = {}
    for key, titles in used.items():
        instance = found.get(key)
        if instance is not None:
            name = unique_name(folders[key[0]], instance.file.name, taken)
            attachments[key] = Attachment(
                name, instance.title, instance.file, tuple(titles)
            )
    return attachments


def unique_name(folder: str, stored_name: str, taken: set[str]) -> str:
    """Return a name for the ZIP: ASCII, no path, not yet in `taken`."""
    path = PurePosixPath(stored_name)
    stem = slugify(path.stem) or "archivo"
    suffix = re.sub(r"[^a-z0-9]", "", path.suffix.lower())
    extension = f".{suffix}" if suffix else ""
    name, copy = f"{folder}/{stem}{extension}", 1
    while name in taken:
        copy += 1
        name = f"{folder}/{stem}-{copy}{extension}"
    taken.add(name)
    return name


def material_html(material: Material, *, edition: Edition) -> str:
    facilitator = edition is Edition.FACILITATOR
    return render_to_string(
        TEMPLATE,
        {
            "material": material,
            "course": material.course,
            "facilitator": facilitator,
            "sessions": material.sessions() if facilitator else [],
            "language": get_language(),
        },
    )


def publication_key(course: CoursePage) -> str:
    """Return a digest of the course's live pages, their places and revisions."""
    # Publishing, unpublishing, moving or deleting a page changes one of these.
    rows = (
        Page.objects.live()
        .descendant_of(course, inclusive=True)
        .order_by("path")
        .values_list("pk", "path", "live_revision_id")
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def material_pdf(course: CoursePage, *, edition: Edition) -> bytes:
    """Return the edition's PDF, rendered once per publication and language."""
    key = (
        f"materials:{course.pk}:{edition.value}:{get_language()}:"
        f"{publication_key(course)}"
    )
    pdf = cache.get(key)
    if pdf is None:
        html = material_html(gather_material(course), edition=edition)
        pdf = render_html_pdf(html, stylesheet_name=STYLESHEET)
        cache.set(key, pdf, CACHE_SECONDS)
    return pdf


def participant_pdf(course: CoursePage) -> bytes:
    """Return the lessons and the whole question bank, with no answer."""
    return material_pdf(course, edition=Edition.PARTICIPANT)


def facilitator_pdf(course: CoursePage) -> bytes:
    """Return the guide: lessons, answers, explanations, timing and notes."""
    return material_pdf(course, edition=Edition.FACILITATOR)


def material_zip(course: CoursePage) -> IO[bytes]:
    """Return a temporary file holding the ZIP, read from its start.

    It holds both PDFs, every document and original image of the live
    lessons and a LEEME.txt listing them. Files are copied in chunks, so
    none is held whole in memory.
    """
    material = gather_material(course)
    temporary = tempfile.TemporaryFile(suffix=".zip")
    written = []
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for edition in Edition:
            pdf = material_pdf(material.course, edition=edition)
            archive.writestr(edition.filename(material.course), pdf)
        for attachment in material.attachments:
            if _copy_into(archive, attachment):
                written.append(attachment)
        readme = render_to_string(
            README_TEMPLATE,
            {
                "material": material,
                "participant": Edition.PARTICIPANT.filename(material.course),
                "facilitator": Edition.FACILITATOR.filename(material.course),
                "attachments": written,
            },
        )
        archive.writestr(README_NAME, readme)
    temporary.seek(0)
    return temporary


def _copy_into(archive: zipfile.ZipFile, attachment: Attachment) -> bool:
    """Copy the attachment's file into the archive; False if it is gone."""
    try:
        source = attachment.file.open("rb")
    except OSError:
        # A file deleted from storage must not stop the rest of the material.
        logger.warning("File %s is missing from storage.", attachment.file.name)
        return False
    with source, archive.open(attachment.name, "w") as entry:
        shutil.copyfileobj(source, entry)
    return True


def is_certified_trainer(user: User) -> bool:
    """Return whether the user may act as a trainer today (`acting_certification`).

    Asked once per request: the admin asks for every course in a listing.
    """
    if not hasattr(user, "_lms_certified_trainer"):
        acting = acting_certification(user, today=timezone.localdate())
        user._lms_certified_trainer = acting is not None
    return user._lms_certified_trainer


def may_download_material(user: User, course: Page) -> bool:
    """Return whether the user may download the course's material.

    Editors of the course (superusers among them) may; so may certified
    trainers, unless the course is restricted to some readers, a rule their
    certification does not lift.
    """
    if not user.is_authenticated:
        return False
    if is_certified_trainer(user) and not course.get_view_restrictions().exists():
        return True
    return course.permissions_for_user(user).can_edit()
