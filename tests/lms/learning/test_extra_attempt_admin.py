"""The integrity office's page of learners out of attempts: citizens, company
representatives and staff alike, each granted another attempt with a reason."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import Audience
from lms.learning.assessment import start_attempt
from lms.models import Attempt, Completion, Enrolment, ExtraAttempt
from lms.staff.extra_attempts import PAGE_SIZE
from tests.admin_helpers import messages_of
from tests.factories import (
    CoursePageFactory,
    PersonFactory,
    StaffMemberFactory,
    UserFactory,
    failed_then_open_attempt,
    used_every_attempt,
    with_mfa,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("lms_extra_attempts")


def grant_url(enrolment: Enrolment) -> str:
    return reverse("lms_extra_attempts_grant", args=[enrolment.pk])


@pytest.fixture
def citizens_course(catalogue):
    return CoursePageFactory(
        parent=catalogue, title="Ética ciudadana", audience=Audience.CITIZENS
    )


def enrolled(course, *, email: str, **person) -> Enrolment:
    """Return the enrolment of a new person with an account, not staff."""
    user = UserFactory(email=email)
    PersonFactory(user=user, **person)
    return Enrolment.objects.create(user=user, course=course)


def out_of_attempts(enrolment: Enrolment, *, granted_by=None) -> Enrolment:
    """Fail every attempt; with `granted_by`, fail one granted attempt more."""
    now = timezone.now()
    used = used_every_attempt(enrolment, now=now)
    if granted_by:
        ExtraAttempt.objects.create(
            enrolment=enrolment, granted_at=now, granted_by=granted_by, reason="Luz"
        )
        Attempt.objects.create(
            enrolment=enrolment,
            number=len(used) + 1,
            questions=[],
            pass_mark=60,
            started_at=now,
            submitted_at=now,
            score=0,
            passed=False,
        )
    return enrolment


@pytest.fixture
def citizen(citizens_course) -> Enrolment:
    """A citizen who failed every attempt at the citizens' course."""
    return out_of_attempts(
        enrolled(
            citizens_course,
            email="julia@example.pe",
            first_names="Julia",
            last_names="Mendoza Ruiz",
            document_number="45678912",
        )
    )


@pytest.fixture
def officer_client(client, integrity_officer):
    """The integrity officer, reading the admin in Spanish, its language."""
    client.force_login(integrity_officer)
    return client


@pytest.fixture
def editor(db):
    """Someone who opens the admin to edit pages, with no role."""
    user = UserFactory(email="editora@example.pe")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return with_mfa(user)


def cells_of(html: str, email: str) -> list[str]:
    """Return the texts of the listing's cells in the row of `email`."""
    [row] = [row for row in re.findall(r"<tr>(.*?)</tr>", html, re.S) if email in row]
    return [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


# The list


def test_the_officer_finds_a_citizen_out_of_attempts_in_spanish(
    officer_client, citizen, integrity_officer
):
    html = officer_client.get(INDEX).content.decode()

    person, course = cells_of(html, "julia@example.pe")[:2]

    assert re.split(r"\s*<br>\s*", person) == [
        "<strong>Julia Mendoza Ruiz</strong>",
        "DNI *****912",
        "julia@example.pe",
    ]
    assert course.startswith("Ética ciudadana<br>")
    assert "Intentos usados: 2" in course
    assert "Intentos otorgados antes: 0" in course
    assert f"Último intento: {timezone.localdate():%d/%m/%Y}" in course
    assert grant_url(citizen) in html
    assert "Intentos adicionales" in html and "Otorgar otro intento" in html
    assert "1 inscripción" in html  # the count under the list
    for english in [
        "Extra attempts",
        "Attempts used",
        "Grant another attempt",
        " item",
    ]:
        assert english not in html


def test_attempts_granted_before_are_counted(
    officer_client, citizens_course, integrity_officer
):
    again = out_of_attempts(
        enrolled(citizens_course, email="pedro@empresa.pe"),
        granted_by=integrity_officer,
    )
    html = officer_client.get(INDEX).content.decode()
    course = cells_of(html, "pedro@empresa.pe")[1]
    assert "Intentos usados: 3" in course
    assert "Intentos otorgados antes: 1" in course
    assert grant_url(again) in html


def test_only_learners_out_of_attempts_are_listed(
    officer_client, citizens_course, citizen
):
    trying = enrolled(citizens_course, email="intentando@example.pe")
    used_every_attempt(trying, now=timezone.now())
    Attempt.objects.filter(enrolment=trying, number=2).delete()
    # Every attempt the course allows started, the last one still open.
    answering = enrolled(citizens_course, email="respondiendo@example.pe")
    failed_then_open_attempt(answering, now=timezone.now())
    passed = out_of_attempts(enrolled(citizens_course, email="aprobo@example.pe"))
    Completion.objects.create(enrolment=passed, completed_at=timezone.now(), score=90)

    html = officer_client.get(INDEX).content.decode()

    assert "julia@example.pe" in html
    for email in ["intentando@", "respondiendo@", "aprobo@"]:
        assert email not in html


def test_a_public_servant_out_of_attempts_is_listed_too(
    officer_client, units, course, learner
):
    StaffMemberFactory(unit=units["a"], person__user=learner)
    enrolment = out_of_attempts(Enrolment.objects.create(user=learner, course=course))
    assert grant_url(enrolment) in officer_client.get(INDEX).content.decode()


@pytest.mark.parametrize("query", ["45678912", "julia mendoza", "JULIA@example"])
def test_the_officer_searches_by_document_name_or_email(
    officer_client, citizens_course, citizen, query
):
    out_of_attempts(
        enrolled(
            citizens_course,
            email="pedro@empresa.pe",
            first_names="Pedro",
            last_names="Cárdenas Vega",
            document_number="47777777",
        )
    )
    html = officer_client.get(INDEX, {"q": query}).content.decode()
    assert "julia@example.pe" in html
    assert "pedro@empresa.pe" not in html


def test_a_search_that_finds_nobody_says_so(officer_client, citizen):
    html = officer_client.get(INDEX, {"q": "Zavaleta"}).content.decode()
    assert "Nadie sin intentos coincide con «Zavaleta»." in html
    assert "julia@example.pe" not in html


def test_a_search_beyond_the_caps_is_refused_with_a_message(officer_client, citizen):
    html = officer_client.get(INDEX, {"q": "julia " * 11}).content.decode()
    assert "Busque con 10 palabras y 150 caracteres como máximo" in html
    # Searched for nothing: the list is shown unsearched.
    assert "julia@example.pe" in html


def test_the_list_costs_the_same_queries_for_2_or_30_learners(
    officer_client, citizens_course, integrity_officer, django_assert_max_num_queries
):
    for number in range(2):
        out_of_attempts(enrolled(citizens_course, email=f"c{number}@example.pe"))
    with CaptureQueriesContext(connection) as few:
        html = officer_client.get(INDEX).content.decode()
    assert html.count("/otorgar/") == 2

    for number in range(2, 30):
        enrolment = enrolled(citizens_course, email=f"c{number}@example.pe")
        out_of_attempts(enrolment, granted_by=integrity_officer if number % 2 else None)
        # Learners with attempts left are read in no extra query either.
        enrolled(citizens_course, email=f"nuevo{number}@example.pe")
    with django_assert_max_num_queries(len(few)):
        html = officer_client.get(INDEX).content.decode()
    assert html.count("/otorgar/") == PAGE_SIZE
    with django_assert_max_num_queries(len(few)):
        html = officer_client.get(INDEX, {"p": 2}).content.decode()
    assert html.count("/otorgar/") == 30 - PAGE_SIZE


# Granting


def test_the_officer_grants_a_citizen_another_attempt(
    officer_client,
    integrity_officer,
    citizen,
    trail,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            grant_url(citizen), {"reason": "Se cortó la luz durante la evaluación"}
        )

    assert response.status_code == 302 and response.url == INDEX
    assert messages_of(response) == [
        "Se otorgó otro intento en Ética ciudadana a julia@example.pe."
    ]
    grant = ExtraAttempt.objects.get(enrolment=citizen)
    assert (grant.granted_by, grant.reason) == (
        integrity_officer,
        "Se cortó la luz durante la evaluación",
    )
    [line] = trail.of("extra_attempt_granted")
    assert (line["user_id"], line["enrolment_id"]) == (integrity_officer.pk, citizen.pk)
    # Off the list, and the citizen may try again.
    assert grant_url(citizen) not in officer_client.get(INDEX).content.decode()
    attempt = start_attempt(enrolment=citizen, now=timezone.now())
    assert attempt.number == citizen.course.max_attempts + 1


def test_the_officer_returns_to_the_search_and_page_granted_from(
    officer_client, citizen
):
    response = officer_client.post(
        grant_url(citizen) + "?q=julia&p=1&next=https://evil.example",
        {"reason": "Caso revisado"},
    )
    assert response.url == INDEX + "?q=julia&p=1"


def test_a_grant_without_a_reason_grants_nothing(officer_client, citizen):
    response = officer_client.post(grant_url(citizen), {"reason": "   "})
    assert response.status_code == 302
    assert messages_of(response) == [
        "Indique el motivo por el que otorga otro intento."
    ]
    assert not ExtraAttempt.objects.exists()


def test_a_double_submit_grants_once(officer_client, citizen):
    officer_client.post(grant_url(citizen), {"reason": "Caso revisado"})
    again = officer_client.post(grant_url(citizen), {"reason": "Caso revisado"})
    assert messages_of(again)[-1] == "A la persona todavía le quedan intentos."
    assert ExtraAttempt.objects.filter(enrolment=citizen).count() == 1


def test_a_learner_who_passed_meanwhile_is_granted_nothing(officer_client, citizen):
    Completion.objects.create(enrolment=citizen, completed_at=timezone.now(), score=90)
    response = officer_client.post(grant_url(citizen), {"reason": "Caso revisado"})
    assert messages_of(response) == ["La persona ya concluyó este curso."]
    assert not ExtraAttempt.objects.exists()


# Who may


def test_the_menu_offers_the_page_to_the_integrity_officer(officer_client):
    html = officer_client.get(reverse("wagtailadmin_home")).content.decode()
    assert INDEX in html and "Intentos adicionales" in html


def refused(response) -> bool:
    """Say whether the request was refused: sent to sign in, or out of the area.

    Wagtail answers a refusal inside its admin by sending the user back to
    its dashboard.
    """
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and (
        response.url.startswith(reverse("account_login"))
        or response.url == reverse("wagtailadmin_home")
    )


@pytest.mark.parametrize(
    "persona", ["hr_a", "unit_head_a", "editor", "trainer_user", "learner"]
)
def test_anyone_else_has_no_menu_item_and_is_refused(request, client, citizen, persona):
    client.force_login(request.getfixturevalue(persona))
    assert INDEX not in client.get(reverse("wagtailadmin_home")).content.decode()
    assert refused(client.get(INDEX))
    assert refused(client.post(grant_url(citizen), {"reason": "Caso revisado"}))
    assert not ExtraAttempt.objects.exists()
