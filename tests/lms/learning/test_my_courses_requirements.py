"""Mis cursos leads with the training the person's institution requires of them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from certificates.issuance import issue_certificate
from courses.models import CoursePage
from lms.models import Assignment, Completion, Enrolment
from lms.staff.assignments import sync_assignments
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
)

pytestmark = pytest.mark.django_db

LIMA = ZoneInfo("America/Lima")
# Hired on 01/03/2026 (the factory's date): the induction is due on 31/03/2026.
THREE_WEEKS_BEFORE = datetime(2026, 3, 10, 12, tzinfo=LIMA)
FIVE_DAYS_BEFORE = datetime(2026, 3, 26, 12, tzinfo=LIMA)
TWO_DAYS_LATE = datetime(2026, 4, 2, 12, tzinfo=LIMA)


@pytest.fixture
def servant(learner, units):
    """The learner is a new public servant of unit A."""
    person = PersonFactory(user=learner, first_names="Rosa", last_names="Quispe")
    return StaffMemberFactory(person=person, unit=units["a"])


@pytest.fixture
def assigned(servant, induction):
    sync_assignments(today=THREE_WEEKS_BEFORE.date())
    return Assignment.objects.get(staff=servant)


def home(client) -> str:
    return client.get(reverse("lms:my_courses")).content.decode()


def obligations(client) -> list:
    return client.get(reverse("lms:my_courses")).context["obligations"]


def test_a_new_servant_sees_her_induction_and_its_due_date_before_enrolling(
    learner_client, assigned, course
):
    with time_machine.travel(THREE_WEEKS_BEFORE, tick=False):
        html = home(learner_client)
    section = html[html.index('class="obligations"') :]
    assert "Lo que debe completar" in section
    assert "Obligatorio" in section
    assert course.title in section
    assert "Complételo a más tardar el 31/03/2026." in section
    assert "Pendiente" in section
    assert f'action="{reverse("lms:enrol", args=[course.pk])}"' in section
    assert "Aún no está inscrito" not in html


@pytest.mark.parametrize(
    ("when", "word"),
    [
        (THREE_WEEKS_BEFORE, "Pendiente"),
        (FIVE_DAYS_BEFORE, "Vence pronto"),
        (TWO_DAYS_LATE, "Vencida"),
    ],
)
def test_the_status_follows_the_due_date(learner_client, assigned, when, word):
    with time_machine.travel(when, tick=False):
        [obligation] = obligations(learner_client)
        html = home(learner_client)
    assert obligation.status.label == word
    assert f'status-{obligation.status}">{word}</span>' in html


def test_once_enrolled_the_button_continues_the_course(
    learner_client, learner, assigned, course
):
    Enrolment.objects.create(user=learner, course=course)
    with time_machine.travel(THREE_WEEKS_BEFORE, tick=False):
        html = home(learner_client)
    section = html[html.index('class="obligations"') : html.index("En curso</h2>")]
    assert "Continuar" in section
    assert reverse("lms:enrol", args=[course.pk]) not in section


def test_a_completed_requirement_is_met_with_its_renewal_date_and_certificate(
    learner_client, learner, servant, assigned, course, person_course_validity
):
    enrolment = Enrolment.objects.create(user=learner, course=course)
    with time_machine.travel(FIVE_DAYS_BEFORE, tick=False):
        Completion.objects.create(
            enrolment=enrolment, completed_at=timezone.now(), score=95
        )
        sync_assignments(today=FIVE_DAYS_BEFORE.date())
        certificate = issue_certificate(
            person=servant.person,
            course=course,
            issued_on=FIVE_DAYS_BEFORE.date(),
            score=95,
        )
        html = home(learner_client)
    section = html[html.index('class="obligations"') :]
    assert "Cumplida" in section
    assert "Hecho. Renuévelo a más tardar el 25/03/2028." in section
    assert f"#certificado-{certificate.code}" in html
    assert "Ver mi certificado" in html


def test_nobody_else_sees_the_persons_requirements(client, stranger, assigned, course):
    client.force_login(stranger)
    with time_machine.travel(THREE_WEEKS_BEFORE, tick=False):
        html = home(client)
    assert 'class="obligations"' not in html
    assert course.title not in html


def test_someone_without_requirements_sees_no_such_section(learner_client, enrolment):
    assert 'class="obligations"' not in home(learner_client)


def test_a_renewal_that_opened_is_announced_at_the_top(
    learner_client, learner, servant, assigned, course, person_course_validity
):
    enrolment = Enrolment.objects.create(user=learner, course=course)
    Completion.objects.create(
        enrolment=enrolment, completed_at=FIVE_DAYS_BEFORE, score=95
    )
    sync_assignments(today=FIVE_DAYS_BEFORE.date())
    # Valid 24 months, until 25/03/2028; the renewal window opens 60 days before.
    in_window = datetime(2028, 2, 20, 12, tzinfo=LIMA)
    sync_assignments(today=in_window.date())
    with time_machine.travel(in_window, tick=False):
        learner_client.force_login(learner)  # the session of 2026 has expired
        html = home(learner_client)
    start = html.index('class="notices"')
    notice = html[start : html.index("</ul>", start)]
    assert "vence el 25/03/2028: su renovación está abierta" in notice
    assert "Su institución le exige renovarlo." in notice
    assert reverse("lms:assessment", args=[course.pk]) in notice
    section = html[html.index('class="obligations"') :]
    assert "Renovación obligatoria" in section


def test_the_home_costs_the_same_queries_for_one_or_many_requirements(
    learner_client, servant, assigned, catalogue, django_assert_max_num_queries
):
    from tests.lms.learning.test_my_courses_view import MY_COURSES_QUERIES

    with time_machine.travel(THREE_WEEKS_BEFORE, tick=False):
        with django_assert_max_num_queries(MY_COURSES_QUERIES):
            learner_client.get(reverse("lms:my_courses"))
        for n in range(8):
            TrainingRequirementFactory(
                course=CoursePageFactory(parent=catalogue, title=f"Curso {n}")
            )
        sync_assignments(today=THREE_WEEKS_BEFORE.date())
        with django_assert_max_num_queries(MY_COURSES_QUERIES):
            response = learner_client.get(reverse("lms:my_courses"))
    assert len(response.context["obligations"]) == 9


@pytest.fixture
def person_course_validity(course):
    """The induction's certificate is valid for 24 months, as its rule says."""
    CoursePage.objects.filter(pk=course.pk).update(validity_months=24)
    course.refresh_from_db()
