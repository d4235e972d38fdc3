import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction
from wagtail.test.utils import WagtailTestUtils

from courses.models import CoursePage
from lms.learning.progress import complete_lesson
from lms.models import Completion, User
from tests.factories import (
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    with_mfa,
)

pytestmark = pytest.mark.django_db

# Routing (the site, the page in one query and its specific type), session,
# user (whether they are staff is kept in the session), enrolment, outline
# (modules and lessons), progress, attempts, completions, extra attempts
# granted, page URLs and view restrictions. A learner gets no userbar (its
# checks cost three queries).
COURSE_PAGE_QUERIES = 17
# Routing (the site, the catalogue page) and its view restrictions (two
# queries): the course list, its view restrictions included, comes from the
# cache.
CATALOGUE_QUERIES_CACHED = 4


def test_the_catalogue_lists_published_courses_only(client, course, catalogue):
    CoursePageFactory(parent=catalogue, title="Curso en borrador", live=False)
    html = client.get("/").content.decode()
    assert course.title in html
    assert "Curso en borrador" not in html


def test_anonymous_visitors_are_invited_to_log_in_to_enrol(client, course):
    html = client.get(course.url).content.decode()
    assert f"{reverse('account_login')}?next={course.url}" in html
    assert reverse("lms:enrol", args=[course.pk]) not in html


def test_a_logged_in_visitor_sees_the_enrol_button(learner_client, course):
    html = learner_client.get(course.url).content.decode()
    assert f'action="{reverse("lms:enrol", args=[course.pk])}"' in html


def test_an_enrolled_learner_resumes_at_the_first_unread_lesson(
    learner_client, enrolment, lessons
):
    complete_lesson(enrolment=enrolment, lesson=lessons[0], now=timezone.now())
    html = learner_client.get(enrolment.course.url).content.decode()
    assert f'class="button" href="{lessons[1].url}"' in html
    assert 'aria-valuenow="33"' in html


def test_a_learner_who_read_everything_is_sent_to_the_assessment(
    learner_client, lessons_read
):
    html = learner_client.get(lessons_read.course.url).content.decode()
    assert reverse("lms:assessment", args=[lessons_read.course_id]) in html


def test_a_completed_course_shows_the_completion(learner_client, lessons_read):
    Completion.objects.create(
        enrolment=lessons_read, completed_at=timezone.now(), score=95
    )
    html = learner_client.get(lessons_read.course.url).content.decode()
    assert "95%" in html
    assert timezone.localdate().strftime("%d/%m/%Y") in html


def test_the_outline_groups_lessons_under_their_modules(course, lessons):
    [(module, in_module), (loose, after)] = course.outline()
    assert module.title == "Módulo 1"
    assert [lesson.title for lesson in in_module] == ["Lección uno", "Lección dos"]
    assert loose is None and [lesson.title for lesson in after] == ["Lección tres"]


def test_a_draft_course_is_not_served(client, catalogue):
    draft = CoursePageFactory(parent=catalogue, title="Borrador", live=False)
    assert client.get(f"/{draft.slug}/").status_code == 404


def test_the_course_page_costs_the_same_queries_for_a_bigger_course(
    learner_client, enrolment, course, django_assert_max_num_queries
):
    with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
        learner_client.get(course.url)
    for m in range(4):
        module = ModulePageFactory(parent=course, title=f"Módulo extra {m}")
        for n in range(5):
            LessonPageFactory(parent=module, title=f"Extra {m}.{n}")
    with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
        learner_client.get(course.url)


def test_the_questions_per_attempt_cannot_exceed_the_bank(course):
    course.questions_per_attempt = 50
    with pytest.raises(Exception, match="5"):
        course.full_clean()


class TestEditorPreview(WagtailTestUtils):
    def test_editors_can_preview_a_lesson_without_being_enrolled(
        self, client, django_user_model, lessons
    ):
        editor = django_user_model.objects.create_superuser(
            "editor", "editor@example.pe", "x"
        )
        client.force_login(with_mfa(editor))
        lesson = lessons[0]
        response = client.get(
            reverse("wagtailadmin_pages:preview_on_edit", args=[lesson.pk])
        )
        assert response.status_code == 200


def test_the_api_lists_published_courses_without_answers(client, course, catalogue):
    CoursePageFactory(parent=catalogue, title="Borrador API", live=False)
    data = client.get(
        "/api/v2/pages/", {"type": "courses.CoursePage", "fields": "*"}
    ).json()
    assert [item["title"] for item in data["items"]] == [course.title]
    item = data["items"][0]
    assert item["audience"] == "public_servants"
    assert item["pass_mark"] == 60
    assert "question_bank" not in item


def test_the_api_refuses_to_reveal_the_question_bank(client, course):
    response = client.get(
        "/api/v2/pages/", {"type": "courses.CoursePage", "fields": "question_bank"}
    )
    assert response.status_code == 400
    assert CoursePage.objects.get(pk=course.pk).question_bank


def test_a_module_address_leads_to_its_place_in_the_course(client, course, lessons):
    module = lessons[0].get_parent()
    response = client.get(module.url)
    assert response.status_code == 302
    assert response.url == f"{course.url}#modulo-{module.pk}"


def test_editors_get_the_userbar_and_learners_do_not(learner_client, course):
    editor = Client()
    editor.force_login(
        with_mfa(User.objects.create_superuser("editora", "editora@example.pe"))
    )

    assert "wagtail-userbar" in editor.get(course.url).content.decode()
    assert "wagtail-userbar" not in learner_client.get(course.url).content.decode()


def course_list(html: str) -> str:
    return re.search(r'<ul class="course-list">.*?</ul>', html, re.DOTALL)[0]


class TestCatalogueKeptUntilPublished:
    """The course list is rendered once and shown again until a page changes."""

    def test_a_second_visit_reads_no_course(
        self, client, course, catalogue, django_assert_max_num_queries
    ):
        first = client.get("/").content.decode()
        with django_assert_max_num_queries(CATALOGUE_QUERIES_CACHED):
            again = client.get("/").content.decode()
        assert course.title in course_list(first)
        assert course_list(again) == course_list(first)

    def test_a_course_published_meanwhile_is_listed(self, client, course, catalogue):
        client.get("/")
        draft = CoursePageFactory(parent=catalogue, title="Curso nuevo", live=False)
        assert "Curso nuevo" not in client.get("/").content.decode()

        draft.save_revision().publish()

        assert "Curso nuevo" in client.get("/").content.decode()

    def test_an_unpublished_or_restricted_course_leaves_at_once(
        self, client, course, catalogue
    ):
        other = CoursePageFactory(parent=catalogue, title="Curso reservado")
        assert "Curso reservado" in client.get("/").content.decode()
        PageViewRestriction.objects.create(
            page=other, restriction_type=PageViewRestriction.LOGIN
        )
        assert "Curso reservado" not in client.get("/").content.decode()

        assert course.title in client.get("/").content.decode()
        course.unpublish()
        assert course.title not in client.get("/").content.decode()

    def test_each_language_has_its_own_list(self, client, course, catalogue):
        spanish = client.get("/").content.decode()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = client.get("/").content.decode()

        assert "Obligatorio para el personal" in spanish or "Tiempo estimado" in spanish
        assert "Estimated time" in english
