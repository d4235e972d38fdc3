from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.models import Page, Site

from lms.learning import complete_lesson
from lms.models import Enrolment
from tests.factories import (
    CataloguePageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with no cached rate-limit counters or pages."""
    cache.clear()


@pytest.fixture
def catalogue(db):
    """The catalogue as the default site's home page, as seed_demo sets it up."""
    root = Page.get_first_root_node()
    catalogue = CataloguePageFactory(parent=root, slug="cursos")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": catalogue},
    )
    return catalogue


@pytest.fixture
def course(catalogue):
    """A published course: one module of two lessons, then a third lesson."""
    course = CoursePageFactory(parent=catalogue, title="Inducción", slug="induccion")
    module = ModulePageFactory(parent=course, title="Módulo 1")
    LessonPageFactory(parent=module, title="Lección uno", slug="uno")
    LessonPageFactory(parent=module, title="Lección dos", slug="dos")
    LessonPageFactory(parent=course, title="Lección tres", slug="tres")
    return course


@pytest.fixture
def lessons(course):
    return list(course.lessons())


@pytest.fixture
def learner(db):
    return UserFactory(first_name="Rosa", last_name="Quispe", email="rosa@example.pe")


@pytest.fixture
def stranger(db):
    return UserFactory(
        first_name="Carlos", last_name="Ajeno", email="carlos@example.pe"
    )


@pytest.fixture
def enrolment(learner, course):
    return Enrolment.objects.create(user=learner, course=course)


@pytest.fixture
def lessons_read(enrolment, lessons):
    """The learner has read every lesson and may take the assessment."""
    for lesson in lessons:
        complete_lesson(enrolment=enrolment, lesson=lesson, now=timezone.now())
    return enrolment


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client


@pytest.fixture
def english():
    """Run in English, for tests that match message texts written in the source."""
    with translation.override("en"):
        yield
