"""Build a published course page tree from a plain dict (see fixtures/courses)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from django.db import transaction
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.models import Page

from courses.blocks import RICH_TEXT_FEATURES
from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage

COURSE_FIELDS = (
    "title",
    "slug",
    "audience",
    "summary",
    "estimated_hours",
    "mandatory_for_staff",
    "validity_months",
    "pass_mark",
    "max_attempts",
    "questions_per_attempt",
    "certificate_title",
)


def _new_id() -> str:
    return str(uuid.uuid4())


def _list_items(values: list) -> list[dict]:
    """Give each ListBlock item a stable id, as the Wagtail editor does."""
    return [{"type": "item", "value": value, "id": _new_id()} for value in values]


def _clean_rich_text(html: str) -> str:
    """Return `html` with only what the editor allows: no script, no handler.

    Wagtail renders rich text as it is stored and cleans it only when it comes
    from the editor; HTML read from a file must go through the same cleaner.
    """
    return EditorHTMLConverter(features=RICH_TEXT_FEATURES).to_database_format(html)


def _body_block(block: Mapping) -> dict:
    value = block["value"]
    if block["type"] == "text":
        value = _clean_rich_text(value)
    elif block["type"] == "note":
        value = {**value, "text": _clean_rich_text(value["text"])}
    elif block["type"] == "dilemma":
        value = {**value, "choices": _list_items(value["choices"])}
    return {"type": block["type"], "value": value, "id": _new_id()}


def _question_block(question: Mapping) -> dict:
    value = {key: val for key, val in question.items() if key != "type"}
    if "options" in value:
        value["options"] = _list_items(value["options"])
    return {"type": question["type"], "value": value, "id": _new_id()}


def _publish_child(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def import_course(catalogue: CataloguePage, data: Mapping) -> CoursePage:
    """Create and publish the course, its modules and lessons; all or nothing."""
    course = CoursePage(
        **{field: data[field] for field in COURSE_FIELDS},
        learning_outcomes="\n".join(data["learning_outcomes"]),
        question_bank=[_question_block(q) for q in data["questions"]],
        certificate_title_feminine=data.get("certificate_title_feminine", ""),
        certificate_title_neutral=data.get("certificate_title_neutral", ""),
    )
    # Run the editor's validation (one correct option per single choice...) so
    # a broken file fails here instead of producing an unanswerable question.
    course.question_bank.stream_block.clean(course.question_bank)
    _publish_child(catalogue, course)
    for module_data in data["modules"]:
        module = _publish_child(
            course, ModulePage(title=module_data["title"], intro=module_data["intro"])
        )
        for lesson in module_data["lessons"]:
            _publish_child(
                module,
                LessonPage(
                    title=lesson["title"],
                    slug=lesson["slug"],
                    summary=lesson.get("summary", ""),
                    minutes=lesson["minutes"],
                    body=[_body_block(block) for block in lesson["body"]],
                ),
            )
    return course
