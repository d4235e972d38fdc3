import pytest
from django.core.exceptions import ValidationError
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed

from courses.blocks import DilemmaBlock, LessonBodyBlock, QuestionBankBlock
from tests.factories import single_choice


def choice_question(correct_flags: list[bool], kind: str = "single_choice"):
    block = QuestionBankBlock()
    raw = {
        "type": kind,
        "value": {
            "prompt": "¿?",
            "explanation": "Porque.",
            "options": [
                {
                    "type": "item",
                    "value": {"text": f"op{n}", "correct": flag},
                    "id": f"o{n}",
                }
                for n, flag in enumerate(correct_flags)
            ],
        },
    }
    return block, block.to_python([raw])


@pytest.mark.parametrize("flags", [[True, True, False], [False, False]])
def test_a_single_answer_question_needs_exactly_one_correct_option(flags):
    block, value = choice_question(flags)
    with pytest.raises(ValidationError):
        block.clean(value)


@pytest.mark.django_db
def test_a_multiple_answer_question_needs_a_correct_option():
    block, value = choice_question([False, False, False], kind="multiple_choice")
    with pytest.raises(ValidationError):
        block.clean(value)
    block, value = choice_question([True, True, False], kind="multiple_choice")
    block.clean(value)


@pytest.mark.django_db
def test_a_dilemma_shows_every_choice_with_its_feedback_without_javascript():
    block = DilemmaBlock()
    html = block.render(
        block.to_python(
            {
                "case": "Un proveedor ofrece una canasta.",
                "question": "¿Qué hace?",
                "choices": [
                    {
                        "type": "item",
                        "id": "a",
                        "value": {
                            "text": "La rechazo",
                            "feedback": "Bien hecho.",
                            "recommended": True,
                        },
                    },
                    {
                        "type": "item",
                        "id": "b",
                        "value": {
                            "text": "La acepto",
                            "feedback": "Es una dádiva.",
                            "recommended": False,
                        },
                    },
                ],
            }
        )
    )
    assert html.count("<details") == 2
    assert "Bien hecho." in html and "Es una dádiva." in html
    assert "<script" not in html


def test_an_image_cannot_be_saved_without_alt_text():
    block = LessonBodyBlock()
    value = block.to_python(
        [{"type": "image", "value": {"image": None, "alt_text": "", "caption": ""}}]
    )
    with pytest.raises(ValidationError):
        block.clean(value)


VIDEO_URL = "https://www.youtube.com/watch?v=integridad"


@pytest.fixture
def cached_embed(db):
    """A stored embed, so no test reaches YouTube (there is no internet here)."""
    return Embed.objects.create(
        url=VIDEO_URL,
        max_width=800,
        hash=get_embed_hash(VIDEO_URL, 800),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/integridad"></iframe>',
    )


def video(transcript: str):
    block = LessonBodyBlock()
    raw = [{"type": "video", "value": {"video": VIDEO_URL, "transcript": transcript}}]
    return block, block.to_python(raw)


def test_a_video_needs_its_transcript(cached_embed):
    block, value = video("")
    with pytest.raises(ValidationError):
        block.clean(value)


def test_a_video_renders_with_its_transcript_folded_away(cached_embed):
    block, value = video("Bienvenidos al módulo de integridad.")
    block.clean(value)
    html = block.render(value)
    assert "youtube.com/embed/integridad" in html
    assert "<details" in html and "Bienvenidos al módulo de integridad." in html


def test_questions_from_the_bank_keep_their_ids_and_answers():
    from courses.quizzes import questions_from_stream

    raw = single_choice("¿Cuál?", "Esta", ["Otra"])
    [question] = questions_from_stream(QuestionBankBlock().to_python([raw]))
    assert question.id == raw["id"]
    assert question.correct_ids() == {raw["value"]["options"][0]["id"]}


@pytest.mark.django_db
def test_an_image_renders_with_its_alt_text_and_lazy_loading():
    from wagtail_factories import ImageFactory

    image = ImageFactory(title="Sede del Gobierno Regional")
    block = LessonBodyBlock()
    value = block.to_python(
        [
            {
                "type": "image",
                "value": {
                    "image": image.pk,
                    "alt_text": "Fachada de la sede regional en Cajamarca",
                    "caption": "Sede central",
                },
            }
        ]
    )
    html = block.render(value)
    assert 'alt="Fachada de la sede regional en Cajamarca"' in html
    assert 'loading="lazy"' in html
    assert "<figcaption>Sede central</figcaption>" in html


@pytest.mark.django_db
def test_a_document_renders_as_a_download_link_with_its_size():
    from wagtail_factories import DocumentFactory

    document = DocumentFactory(title="Texto de la Ley 27815")
    block = LessonBodyBlock()
    value = block.to_python(
        [{"type": "document", "value": {"document": document.pk, "description": ""}}]
    )
    html = block.render(value)
    assert f'href="{document.url}" download' in html
    assert "Texto de la Ley 27815" in html
