"""Wagtail's searches find "Jaén" typed as "Jaén", "JAEN" or "jaen"."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from tests.factories import LessonPageFactory, UserFactory, with_mfa

pytestmark = pytest.mark.django_db

TYPED = ["Jaén", "JAEN", "jaen", "jaén"]


@pytest.fixture
def jaen_lesson(course):
    return LessonPageFactory(
        parent=course,
        title="Integridad en Jaén",
        slug="jaen",
        body=[{"type": "text", "value": "<p>La oficina de Cutervo</p>"}],
    )


@pytest.mark.parametrize("typed", TYPED)
def test_the_admin_page_search_ignores_accents_and_case(client, jaen_lesson, typed):
    editor = with_mfa(UserFactory(email="editora@example.pe"))
    editor.groups.add(Group.objects.get(name="Editores"))
    client.force_login(editor)
    page = client.get("/admin/pages/search/", {"q": typed}).content.decode()
    assert "Integridad en Jaén" in page


@pytest.mark.parametrize("typed", TYPED)
def test_the_catalogue_search_ignores_accents_and_case(jaen_lesson, typed):
    assert list(LessonPage.objects.live().search(typed)) == [jaen_lesson]
    assert list(Page.objects.live().autocomplete(typed)) == [jaen_lesson.page_ptr]


def test_a_course_is_found_by_its_summary_without_accents(course):
    course.summary = "Ética pública en la región"
    course.save_revision().publish()
    assert list(CoursePage.objects.live().search("etica")) == [course]


def test_the_api_search_ignores_accents(client, jaen_lesson):
    found = client.get("/api/v2/pages/", {"search": "jaen"}).json()["items"]
    assert [item["title"] for item in found] == ["Integridad en Jaén"]
