import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import CoursePage
from tests.factories import with_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    editor = django_user_model.objects.create_superuser(
        "editora", "editora@example.pe", "clave-larga-123"
    )
    client.force_login(with_mfa(editor))
    return client


def course_form(**overrides) -> dict:
    question = {"prompt": "¿Quién recibe las denuncias?", "explanation": "La OII."}
    return nested_form_data(
        {
            "title": "Curso nuevo",
            "slug": "curso-nuevo",
            "audience": "citizens",
            "summary": "Resumen",
            "learning_outcomes": "Uno",
            "estimated_hours": "2",
            "pass_mark": "70",
            "max_attempts": "3",
            "result_reveals": "mistakes",
            "cohort_attendance_percent": "80",
            "company_completions_required": "1",
            "questions_per_attempt": "1",
            "certificate_title": "Ciudadano por la Integridad",
            "question_bank": streamfield(
                [("true_false", {**question, "answer": "on"})]
            ),
            **overrides,
        }
    )


def test_an_editor_creates_a_course_with_its_question_bank(editor_client, catalogue):
    url = reverse(
        "wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk]
    )
    response = editor_client.post(url, {**course_form(), "action-publish": "publish"})
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(slug="curso-nuevo")
    assert course.live
    [question] = course.questions()
    assert question.correct_ids() == {"true"}


def test_the_editor_refuses_more_questions_per_attempt_than_the_bank(
    editor_client, catalogue
):
    url = reverse(
        "wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk]
    )
    response = editor_client.post(url, course_form(questions_per_attempt="5"))
    assert response.status_code == 200
    assert "questions_per_attempt" in response.context["form"].errors
    assert not CoursePage.objects.filter(slug="curso-nuevo").exists()


def test_the_edit_view_of_a_course_with_modules_and_questions_opens(
    editor_client, course, lessons
):
    response = editor_client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))
    assert response.status_code == 200
    revisions = reverse("wagtailadmin_pages:history", args=[course.pk])
    assert editor_client.get(revisions).status_code == 200
