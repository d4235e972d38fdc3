from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from wagtail.models import Page, Site

from courses.models import Audience
from lms.learning.progress import complete_lesson
from lms.models import Enrolment, OrganisationKind, Person, Province, Role
from tests.factories import (
    CataloguePageFactory,
    CoursePageFactory,
    LessonPageFactory,
    ModulePageFactory,
    TrainingRequirementFactory,
    UserFactory,
    certified_trainer,
    cohort_with_sessions,
    grant,
    organisation,
)
from tests.production.stack import RedisServer, free_port


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with no cached rate-limit counters or pages."""
    cache.clear()


@pytest.fixture
def trail(caplog):
    """Every audit line written during the test, parsed, and the raw text."""
    caplog.set_level("INFO", logger="integridad.audit")

    class Trail:
        @property
        def text(self) -> str:
            return "\n".join(
                r.getMessage() for r in caplog.records if r.name == "integridad.audit"
            )

        @property
        def lines(self) -> list[dict]:
            return [json.loads(line) for line in self.text.splitlines()]

        def of(self, event: str) -> list[dict]:
            return [line for line in self.lines if line["event"] == event]

    return Trail()


@pytest.fixture
def queue_down(settings):
    """Send tasks to a Redis nobody listens on, as during an outage.

    Request it after the fixtures that save Wagtail pages: their search
    index update is a task too.
    """
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}


@pytest.fixture(autouse=True)
def site_language(settings):
    """Start each test in the site's language.

    The language middleware activates the visitor's choice for the thread,
    which a real server sets again on every request; a test client's English
    request must not leave a later test's management command in English.
    """
    translation.activate(settings.LANGUAGE_CODE)


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
def person(learner) -> Person:
    """The learner's identity (Rosa's DNI and names): the holder of the data and
    certificates under test."""
    return Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )


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
def english(client, settings):
    """Run in English, for tests that match message texts written in the source.

    The test's own thread and the test client's requests both: the language
    middleware reads the client's language cookie, as a visitor's choice.
    """
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def units(db):
    """A small tree: the government, units A and B, and A1 under A."""
    root = organisation(
        "GRC", "Gobierno Regional de Cajamarca", kind=OrganisationKind.GOVERNMENT
    )
    unit_a = organisation("GRDS", "Gerencia Regional de Desarrollo Social", root)
    unit_b = organisation("GRDE", "Gerencia Regional de Desarrollo Económico", root)
    unit_a1 = organisation("SGPE", "Sub Gerencia de Promoción Empresarial", unit_a)
    return {"root": root, "a": unit_a, "b": unit_b, "a1": unit_a1}


@pytest.fixture
def hr_a(units):
    """An HR officer whose scope is unit A and what lies under it."""
    user = UserFactory(email="rrhh.a@example.pe", first_name="Ana", last_name="RRHH")
    return grant(user, Role.HR_OFFICER, units["a"])


@pytest.fixture
def hr_b(units):
    user = UserFactory(email="rrhh.b@example.pe", first_name="Beto", last_name="RRHH")
    return grant(user, Role.HR_OFFICER, units["b"])


@pytest.fixture
def unit_head_a(units):
    user = UserFactory(email="jefe.a@example.pe", first_name="Juan", last_name="Jefe")
    return grant(user, Role.UNIT_HEAD, units["a"])


@pytest.fixture
def integrity_officer(db):
    user = UserFactory(email="oii@example.pe", first_name="Olga", last_name="OII")
    return grant(user, Role.INTEGRITY_OFFICER)


@pytest.fixture
def induction(course):
    """The induction rule: every staff member, 30 days, renewed every 24 months."""
    return TrainingRequirementFactory(
        name="Inducción en integridad", course=course, due_days=30, recertify_months=24
    )


@pytest.fixture
def trainer_course(catalogue):
    """The train-the-trainer course, valid for 24 months."""
    course = CoursePageFactory(
        parent=catalogue,
        title="Formación de Formadores en Integridad",
        slug="formacion-formadores",
        audience=Audience.TRAINERS,
        validity_months=24,
    )
    LessonPageFactory(parent=course, title="Cómo enseñar integridad", slug="ensenar")
    return course


@pytest.fixture
def trainer_user(db):
    return UserFactory(
        email="formadora@example.pe", first_name="Carmen", last_name="Vásquez"
    )


@pytest.fixture
def trainer(trainer_user, trainer_course, integrity_officer):
    """A trainer approved 30 days ago in Jaén, listed publicly."""
    return certified_trainer(
        trainer_user,
        trainer_course,
        approved_by=integrity_officer,
        approved_at=timezone.now() - timedelta(days=30),
    )


@pytest.fixture
def other_trainer(trainer_course, integrity_officer):
    user = UserFactory(email="otro.formador@example.pe", first_name="Otto")
    return certified_trainer(
        user,
        trainer_course,
        approved_by=integrity_officer,
        approved_at=timezone.now() - timedelta(days=30),
        province=Province.CHOTA,
        institution="Universidad Nacional Autónoma de Chota",
    )


@pytest.fixture
def cohort(trainer, course):
    """The trainer's cohort of `course` in Jaén: three weekly sessions from today."""
    return cohort_with_sessions(trainer, course, starts_on=timezone.localdate())


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """The URL of a Redis of this test run's own, never the shared one."""
    server = RedisServer(free_port(), tmp_path_factory.mktemp("redis"))
    server.start()
    yield server.url
    server.kill()
