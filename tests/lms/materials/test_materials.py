"""Course material for offline teaching, read back from the PDFs and the ZIP.

Needs Debian's poppler-utils (pdftotext, pdfimages). WeasyPrint is never
mocked: every PDF here is really rendered.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from wagtail_factories import DocumentFactory, ImageFactory

from courses.importing import import_course
from courses.models import LessonPage
from lms.materials import documents as materials_documents
from lms.materials.documents import (
    LessonMaterial,
    facilitator_pdf,
    material_zip,
    participant_pdf,
    plan_sessions,
    unique_name,
)
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    block_id,
    multiple_choice,
    single_choice,
    true_false,
)
from tests.pdf import pdf_text

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "courses"
VIDEO_URL = "https://www.youtube.com/watch?v=integridad2026"
# Strings only the facilitator's guide may print.
EXPLANATIONS = [
    "Solo la guía explica que la OII recibe denuncias",
    "Solo la guía explica los dos deberes",
    "Solo la guía explica que el regalo se rechaza",
]
FEEDBACK = "Solo la guía comenta que aceptar compromete su imparcialidad"
RECOMMENDED_FEEDBACK = "Solo la guía comenta que rechazar es lo correcto"


def image_count(pdf: bytes) -> int:
    listing = subprocess.run(
        ["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return sum(1 for row in listing.splitlines()[2:] if row.split()[2] == "image")


def zip_contents(file) -> dict[str, bytes]:
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        assert len(names) == len(set(names)), names
        return {name: archive.read(name) for name in names}


def explained(question: dict, explanation: str) -> dict:
    question["value"]["explanation"] = explanation
    return question


def text_block(html: str) -> dict:
    return {"type": "text", "value": html, "id": block_id()}


def materials_of(minutes: list[int]) -> list[LessonMaterial]:
    """Return lesson material of the given lengths, back to back."""
    items, starts = [], 0
    for number, length in enumerate(minutes, start=1):
        lesson = LessonPage(title=f"Lección {number}", minutes=length)
        items.append(LessonMaterial(lesson, number, starts, ()))
        starts += length
    return items


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def law(media):
    return DocumentFactory(
        title="Texto de la Ley 27815",
        file__filename="Ley 27815 (Código de Ética).pdf",
        file__data=b"%PDF-1.4 ley",
    )


@pytest.fixture
def photo(media):
    return ImageFactory(
        title="Sede regional", file__filename="sede.png", file__width=640
    )


@pytest.fixture
def material_course(catalogue, law, photo):
    """A course with every kind of block, a bank of three and a hidden lesson."""
    course = CoursePageFactory(
        parent=catalogue,
        title="Integridad en el aula",
        slug="integridad-aula",
        estimated_hours=Decimal("2"),
        pass_mark=70,
        cohort_attendance_percent=75,
        question_bank=[
            explained(
                single_choice(
                    "¿Quién recibe las denuncias?",
                    "La Oficina de Integridad",
                    ["El alcalde", "Nadie"],
                ),
                EXPLANATIONS[0],
            ),
            explained(
                multiple_choice(
                    "¿Qué deberes tiene un servidor?",
                    ["Neutralidad", "Transparencia"],
                    ["Lucro propio"],
                ),
                EXPLANATIONS[1],
            ),
            explained(
                true_false("Un servidor puede aceptar regalos de un postor.", False),
                EXPLANATIONS[2],
            ),
        ],
    )
    module = ModulePageFactory(
        parent=course, title="Módulo 1: Conceptos", intro="Lo básico."
    )
    LessonPageFactory(
        parent=module,
        title="Qué es la integridad",
        slug="que-es",
        minutes=30,
        body=[
            text_block("<h3>Principios</h3><p>La integridad pública es…</p>"),
            {
                "type": "image",
                "value": {
                    "image": photo.pk,
                    "alt_text": "Fachada de la sede",
                    "caption": "Sede del Gobierno Regional",
                },
                "id": block_id(),
            },
            {
                "type": "video",
                "value": {
                    "video": VIDEO_URL,
                    "transcript": "Bienvenidos al curso de integridad.",
                },
                "id": block_id(),
            },
            {
                "type": "document",
                "value": {"document": law.pk, "description": "Léala antes."},
                "id": block_id(),
            },
            {
                "type": "note",
                "value": {
                    "kind": "legal",
                    "title": "Base legal",
                    "text": "<p>Ley 27815, artículo 6.</p>",
                },
                "id": block_id(),
            },
            {
                "type": "dilemma",
                "value": {
                    "case": "Un postor le ofrece un regalo.",
                    "question": "¿Qué hace usted?",
                    "choices": [
                        {
                            "type": "item",
                            "id": block_id(),
                            "value": {
                                "text": "Lo acepta",
                                "feedback": FEEDBACK,
                                "recommended": False,
                            },
                        },
                        {
                            "type": "item",
                            "id": block_id(),
                            "value": {
                                "text": "Lo rechaza",
                                "feedback": RECOMMENDED_FEEDBACK,
                                "recommended": True,
                            },
                        },
                    ],
                },
                "id": block_id(),
            },
        ],
    )
    LessonPageFactory(parent=course, title="Cómo denunciar", slug="denunciar")
    LessonPageFactory(
        parent=course, title="Lección aún no publicada", slug="oculta", live=False
    )
    return course


@pytest.fixture
def count_renders(monkeypatch):
    """Count the PDFs actually rendered, still rendering them."""
    renders = []
    real = materials_documents.render_html_pdf

    def counting(html, **kwargs):
        renders.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(materials_documents, "render_html_pdf", counting)
    return renders


def test_the_participant_edition_has_every_live_lesson_and_question_but_no_answer(
    material_course,
):
    text = pdf_text(participant_pdf(material_course))

    for title in ["Módulo 1: Conceptos", "Qué es la integridad", "Cómo denunciar"]:
        assert title in text
    for prompt in [
        "¿Quién recibe las denuncias?",
        "¿Qué deberes tiene un servidor?",
        "Un servidor puede aceptar regalos de un postor.",
    ]:
        assert prompt in text
    assert "La Oficina de Integridad" in text  # options are printed, unmarked
    assert "✔" not in text
    assert not [explanation for explanation in EXPLANATIONS if explanation in text]
    assert FEEDBACK not in text and RECOMMENDED_FEEDBACK not in text
    assert "Lección aún no publicada" not in text


def test_the_participant_edition_states_the_course_rules(material_course, english):
    text = pdf_text(participant_pdf(material_course))

    assert "Participant's edition" in text
    assert "Reconocer un conflicto de intereses" in text  # a learning outcome
    assert "2 hours" in text
    assert "70 %" in text
    assert "At least 75 % of the sessions" in text
    assert "Recommended." not in text
    assert "Answer key" not in text and "Timing" not in text


def test_the_facilitator_guide_marks_answers_and_explains_them(
    material_course, english
):
    text = pdf_text(facilitator_pdf(material_course))

    assert "Facilitator's guide" in text
    assert "✔ La Oficina de Integridad" in text
    assert "✔ Neutralidad" in text and "✔ Transparencia" in text
    assert "✔ Lucro propio" not in text
    assert "✔ False" in text and "✔ True" not in text
    for explanation in EXPLANATIONS:
        assert explanation in text
    assert f"Recommended. {RECOMMENDED_FEEDBACK}" in text
    assert FEEDBACK in text
    assert "Answer key" in text
    assert "Lección aún no publicada" not in text


def test_the_facilitator_guide_gives_the_timing(material_course, english):
    text = pdf_text(facilitator_pdf(material_course))

    # Two hours make one session: 30 + 10 minutes of lessons and 3 questions.
    assert "The course is planned for 2 hours, in one session." in text
    assert "Session 1 (43 minutes)" in text
    assert "Qué es la integridad 30 0:00–0:30" in text
    assert "Cómo denunciar 10 0:30–0:40" in text
    assert "Assessment 3 0:40–0:43" in text
    assert "Facilitation notes" in text
    assert "at least 75 % of the sessions" in text


def test_lesson_blocks_print_on_paper(material_course, english):
    pdf = facilitator_pdf(material_course)
    text = pdf_text(pdf)

    assert image_count(pdf) == 1
    assert "Sede del Gobierno Regional" in text
    assert "Bienvenidos al curso de integridad." in text
    assert VIDEO_URL in text
    assert "Texto de la Ley 27815" in text
    assert "documentos/ley_27815_codigo_de_etica.pdf" in text
    assert "Ley 27815, artículo 6." in text
    assert "Un postor le ofrece un regalo." in text


def test_a_draft_saved_after_publishing_is_in_neither_edition(material_course):
    lesson = LessonPage.objects.get(slug="denunciar")
    lesson.body = [text_block("<p>Texto publicado de la lección</p>")]
    lesson.save_revision().publish()
    lesson.body = [text_block("<p>Texto del borrador sin publicar</p>")]
    lesson.title = "Título del borrador"
    lesson.save_revision()
    material_course.summary = "Resumen del borrador"
    material_course.question_bank = [true_false("Pregunta del borrador", True)]
    material_course.questions_per_attempt = 1
    material_course.save_revision()

    for pdf in [participant_pdf(material_course), facilitator_pdf(material_course)]:
        text = pdf_text(pdf)
        assert "Texto publicado de la lección" in text
        assert "¿Quién recibe las denuncias?" in text
        for draft in [
            "Texto del borrador",
            "Título del borrador",
            "Resumen del borrador",
            "Pregunta del borrador",
        ]:
            assert draft not in text


def test_an_unpublished_lesson_leaves_the_material(material_course):
    before = pdf_text(participant_pdf(material_course))
    LessonPage.objects.get(slug="denunciar").unpublish()

    after = pdf_text(participant_pdf(material_course))

    assert "Cómo denunciar" in before
    assert "Cómo denunciar" not in after
    assert "Qué es la integridad" in after


def test_the_zip_holds_both_editions_the_files_and_an_index(
    material_course, law, photo
):
    files = zip_contents(material_zip(material_course))

    assert sorted(files) == [
        "LEEME.txt",
        "documentos/ley_27815_codigo_de_etica.pdf",
        f"imagenes/{Path(photo.file.name).stem}.png",
        "integridad-aula-guia-del-facilitador.pdf",
        "integridad-aula-participante.pdf",
    ]
    assert files["integridad-aula-participante.pdf"] == participant_pdf(material_course)
    assert files["integridad-aula-guia-del-facilitador.pdf"] == facilitator_pdf(
        material_course
    )
    assert files["documentos/ley_27815_codigo_de_etica.pdf"] == b"%PDF-1.4 ley"
    with photo.file.open("rb") as original:
        assert files[f"imagenes/{Path(photo.file.name).stem}.png"] == original.read()
    readme = files["LEEME.txt"].decode()
    assert "Integridad en el aula" in readme
    assert "documentos/ley_27815_codigo_de_etica.pdf" in readme
    assert "Texto de la Ley 27815" in readme
    assert "Qué es la integridad" in readme


def test_the_zip_takes_files_linked_from_text_once_and_never_from_drafts(
    material_course, law, media
):
    namesake = DocumentFactory(
        title="Otra ley", file__filename="LEY_27815_CODIGO_DE_ETICA.pdf"
    )
    draft_only = DocumentFactory(title="Solo en borrador", file__filename="nota.pdf")
    lesson = LessonPage.objects.get(slug="denunciar")
    lesson.body = [
        text_block(
            f'<p>Vea <a linktype="document" id="{law.pk}">la ley</a> y '
            f'<a linktype="document" id="{namesake.pk}">la otra</a>.</p>'
        )
    ]
    lesson.save_revision().publish()
    lesson.body = [
        text_block(f'<p><a linktype="document" id="{draft_only.pk}">nota</a></p>')
    ]
    lesson.save_revision()

    names = zip_contents(material_zip(material_course))

    documents = sorted(name for name in names if name.startswith("documentos/"))
    assert documents == [
        "documentos/ley_27815_codigo_de_etica-2.pdf",
        "documentos/ley_27815_codigo_de_etica.pdf",
    ]


def test_a_file_missing_from_storage_is_left_out_of_the_zip(material_course, law):
    law.file.storage.delete(law.file.name)

    names = zip_contents(material_zip(material_course))

    assert "documentos/ley_27815_codigo_de_etica.pdf" not in names
    assert "integridad-aula-participante.pdf" in names


def test_a_deleted_document_or_missing_image_file_leaves_the_rest(
    material_course, law, photo
):
    law.delete()
    photo.file.storage.delete(photo.file.name)

    pdf = participant_pdf(material_course)
    files = zip_contents(material_zip(material_course))

    text = pdf_text(pdf)
    assert image_count(pdf) == 0
    assert "Fachada de la sede" in text  # the alternative text stands in
    assert "Texto de la Ley 27815" not in text
    assert "Bienvenidos al curso de integridad." in text
    assert not [name for name in files if name.startswith(("documentos/", "imagenes/"))]


def test_repeated_downloads_reuse_the_pdf_until_a_publish(
    material_course, count_renders
):
    first = participant_pdf(material_course)
    again = participant_pdf(material_course)
    lesson = LessonPage.objects.get(slug="denunciar")
    lesson.title = "Borrador que no cuenta"
    lesson.save_revision()
    after_draft = participant_pdf(material_course)

    assert again == first == after_draft
    assert len(count_renders) == 1

    lesson.title = "Cómo denunciar paso a paso"
    lesson.save_revision().publish()
    after_publish = participant_pdf(material_course)

    assert len(count_renders) == 2
    assert "Cómo denunciar paso a paso" in pdf_text(after_publish)


def test_each_edition_and_language_is_cached_apart(material_course, count_renders):
    participant_pdf(material_course)
    facilitator_pdf(material_course)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(materials_documents, "get_language", lambda: "en")
        participant_pdf(material_course)

    assert len(count_renders) == 3


def test_a_demo_course_prints_all_its_lessons_and_questions(catalogue):
    data = json.loads((FIXTURES / "modulo-induccion-integridad.json").read_text())
    course = import_course(catalogue, data)

    text = pdf_text(participant_pdf(course))

    lessons = [lesson for module in data["modules"] for lesson in module["lessons"]]
    assert len(lessons) == 8
    for lesson in lessons:
        assert " ".join(lesson["title"].split()) in text
    for question in data["questions"]:
        assert " ".join(question["prompt"].split()) in text
        assert " ".join(question["explanation"].split()) not in text


def test_sessions_follow_the_estimated_hours():
    lessons = materials_of([30] * 8)

    sessions = plan_sessions(lessons, hours=Decimal("4"), assessment_minutes=20)

    assert [[item.number for item in s.lessons] for s in sessions] == [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
    ]
    assert [s.minutes for s in sessions] == [120, 140]


def test_a_long_lesson_is_never_split_nor_leaves_a_session_empty():
    lessons = materials_of([100, 10, 10])

    sessions = plan_sessions(lessons, hours=Decimal("6"), assessment_minutes=5)

    assert [[item.number for item in s.lessons] for s in sessions] == [[1], [2, 3]]
    assert [s.number for s in sessions] == [1, 2]


def test_a_course_without_lessons_plans_one_session_for_the_assessment():
    [session] = plan_sessions([], hours=Decimal("1"), assessment_minutes=10)

    assert session.lessons == () and session.minutes == 10


def test_zip_names_are_plain_and_unique():
    taken: set[str] = set()

    names = [
        unique_name("documentos", "documents/Ley 1.PDF", taken),
        unique_name("documentos", "documents/ley-1.pdf", taken),
        unique_name("imagenes", "original_images/../../etc/passwd", taken),
        unique_name("imagenes", "original_images/¿Qué?.jpg", taken),
    ]

    assert names == [
        "documentos/ley-1.pdf",
        "documentos/ley-1-2.pdf",
        "imagenes/passwd",
        "imagenes/que.jpg",
    ]
