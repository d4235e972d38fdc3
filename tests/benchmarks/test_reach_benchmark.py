"""The reach report on 300 trainers, 3,000 cohorts and 60,000 participants.

PostgreSQL only, run on request:

    DATABASE_URL=postgres://... .venv/bin/pytest \\
        tests/benchmarks/test_reach_benchmark.py -m benchmark -s

Accounts, people, enrolments, completions, certifications, cohorts, sessions
and participants go in with COPY (staff_data's loader); about 70 % of the
participants completed, one trainer in ten has let the certification lapse
and one cohort in ten is virtual. For both views, by province and by
trainer, it prints the page's and the CSV export's SQL query counts, which
must equal the ceilings the ordinary tests assert on a handful of cohorts,
and their median time over 5 requests. No wall-clock limit is asserted.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from lms.models import (
    Cohort,
    CohortMode,
    CohortSession,
    Completion,
    Enrolment,
    JoinedVia,
    Participant,
    Person,
    Province,
    Role,
    TrainerCertification,
    User,
)
from tests.benchmarks.staff_data import copy, next_id, reset_sequence, rolled_back
from tests.benchmarks.test_hr_report_benchmarks import ROUNDS, median_ms, queries_of
from tests.factories import CataloguePageFactory, CoursePageFactory, UserFactory, grant
from tests.lms.reports.test_reach_report import EXPORTS, PAGES

pytestmark = pytest.mark.benchmark

TRAINERS = 300
COHORTS = 3_000
PER_COHORT = 20  # 60,000 participants
SESSIONS = 3
COURSES = 3
PROVINCES = [province.value for province in Province]


@dataclass(frozen=True)
class Ids:
    """The first id COPY gives each table's new rows."""

    user: int
    person: int
    enrolment: int
    completion: int
    certification: int
    cohort: int

    @classmethod
    def next(cls) -> Ids:
        return cls(
            *(
                next_id(model)
                for model in (
                    User,
                    Person,
                    Enrolment,
                    Completion,
                    TrainerCertification,
                    Cohort,
                )
            )
        )


def completed(participant: int) -> bool:
    return participant % 10 < 7


def build_reach_data(*, today: date) -> None:
    """Load the trainers' cascade: trainers first, then their cohorts' people."""
    now = timezone.now()
    catalogue = CataloguePageFactory(parent=Page.get_first_root_node(), slug="reach")
    trainer_course = CoursePageFactory(
        parent=catalogue, title="Formación de Formadores", validity_months=24
    )
    courses = [
        CoursePageFactory(parent=catalogue, title=f"Curso {number}")
        for number in range(COURSES)
    ]
    approver = UserFactory(email="bench.approver@example.pe")
    ids = Ids.next()
    people = TRAINERS + COHORTS * PER_COHORT
    copy(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name"]
        + ["email", "is_staff", "is_active", "date_joined"],
        (
            (ids.user + n, "!", False, f"reach{n}", "Persona", f"Apellido {n:06d}")
            + (f"reach{n}@example.pe", False, True, now)
            for n in range(people)
        ),
    )
    copy(
        Person,
        ["id", "document_type", "document_number", "first_names", "last_names"]
        + ["user_id"],
        (
            (ids.person + n, "1", f"{70_000_000 + n}", "Persona", f"Apellido {n:06d}")
            + (ids.user + n,)
            for n in range(people)
        ),
    )
    # Enrolment n belongs to person n: trainers in the trainer course, then
    # each cohort's participants in the cohort's course.
    copy(
        Enrolment,
        ["id", "user_id", "course_id", "enrolled_at"],
        (
            (
                ids.enrolment + n,
                ids.user + n,
                course_of(n, trainer_course, courses),
                now,
            )
            for n in range(people)
        ),
    )
    copy(
        Completion,
        ["id", "enrolment_id", "completed_at", "score"],
        completion_rows(ids, now=now),
    )
    copy(
        TrainerCertification,
        ["id", "person_id", "qualification_id", "province", "institution"]
        + ["listed_publicly", "approved_at", "approved_by_id", "withdrawal_reason"],
        (
            (ids.certification + t, ids.person + t, ids.completion + t)
            + (PROVINCES[t % 13], f"Universidad {t % 13}", True)
            + (now - timedelta(days=30), approver.pk, "")
            for t in range(TRAINERS)
        ),
    )
    copy(
        Cohort,
        ["id", "course_id", "trainer_id", "name", "mode", "province", "district"]
        + ["venue", "partner_institution", "capacity", "starts_on", "ends_on"]
        + ["join_token", "self_enrolment_open", "created_at"],
        cohort_rows(ids, courses, today=today, now=now),
    )
    copy(
        CohortSession,
        ["cohort_id", "number", "starts_at", "minutes", "topic", "source"],
        (
            (ids.cohort + c, number + 1, session_start(c, number, today), 120, "", "")
            for c in range(COHORTS)
            for number in range(SESSIONS)
        ),
    )
    copy(
        Participant,
        ["cohort_id", "person_id", "enrolment_id", "joined_via", "joined_at"]
        + ["completion_id"],
        participant_rows(ids, now=now),
    )
    for model in (
        User,
        Person,
        Enrolment,
        Completion,
        TrainerCertification,
        Cohort,
        CohortSession,
        Participant,
    ):
        reset_sequence(model)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def course_of(n: int, trainer_course, courses) -> int:
    if n < TRAINERS:
        return trainer_course.pk
    return courses[cohort_of(n) % COURSES].pk


def cohort_of(person: int) -> int:
    return (person - TRAINERS) // PER_COHORT


def participant_completions(ids: Ids) -> Iterator[tuple[int, int | None]]:
    """Yield each participant's person number and completion id (None: none).

    The participants' completions follow the trainers' qualifications, in
    person order.
    """
    completion = ids.completion + TRAINERS
    for n in range(TRAINERS, TRAINERS + COHORTS * PER_COHORT):
        if completed(n):
            yield n, completion
            completion += 1
        else:
            yield n, None


def completion_rows(ids: Ids, *, now: datetime) -> Iterator[tuple]:
    """Yield the trainers' qualifications, then the participants' completions.

    Completion t is trainer t's: one in ten took the course too long ago to be
    certified today.
    """
    for t in range(TRAINERS):
        days = 800 if t % 10 == 0 else 60
        yield (ids.completion + t, ids.enrolment + t, now - timedelta(days=days), 90)
    for n, completion in participant_completions(ids):
        if completion is not None:
            yield (completion, ids.enrolment + n, now, 80)


def cohort_rows(ids: Ids, courses, *, today: date, now: datetime) -> Iterator[tuple]:
    for c in range(COHORTS):
        t = c % TRAINERS
        virtual = c % 10 == 9
        starts_on = today - timedelta(days=c % 365)
        yield (
            ids.cohort + c,
            courses[c % COURSES].pk,
            ids.certification + t,
            f"Grupo {c}",
            CohortMode.VIRTUAL if virtual else CohortMode.IN_PERSON,
            "" if virtual else PROVINCES[t % 13],
            "",
            "",
            "",
            PER_COHORT,
            starts_on,
            starts_on + timedelta(weeks=SESSIONS - 1),
            f"reach-{c:08d}",
            True,
            now,
        )


def session_start(cohort: int, number: int, today: date) -> datetime:
    day = today - timedelta(days=cohort % 365) + timedelta(weeks=number)
    return timezone.make_aware(datetime.combine(day, clock(9)))


def participant_rows(ids: Ids, *, now: datetime) -> Iterator[tuple]:
    for n, completion in participant_completions(ids):
        yield (
            ids.cohort + cohort_of(n),
            ids.person + n,
            ids.enrolment + n,
            JoinedVia.LIST,
            now,
            completion,
        )


@pytest.fixture(scope="module")
def officer(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(
                "Reach figures are about PostgreSQL (COPY, its planner); set "
                "DATABASE_URL to a PostgreSQL database"
            )
        with rolled_back():
            started = time.perf_counter()
            build_reach_data(today=timezone.localdate())
            seconds = time.perf_counter() - started
            print(  # noqa: T201
                f"\nBuilt {TRAINERS} trainers, {COHORTS:,} cohorts, "
                f"{COHORTS * PER_COHORT:,} participants in {seconds:.1f} s"
            )
            yield grant(UserFactory(), Role.INTEGRITY_OFFICER)


@pytest.fixture
def officer_client(officer, db) -> Client:
    client = Client()
    client.force_login(officer)
    return client


@pytest.mark.parametrize("view", list(PAGES))
def test_reach_page_and_csv_export(officer_client, view):
    client = officer_client
    url = reverse(f"lms_report_{view}")
    export = {"export": "csv"}
    page_queries, export_queries = (
        queries_of(client, url),
        queries_of(client, url, export),
    )
    total = client.get(url).context["object_list"][-1]
    print(  # noqa: T201
        f"\n{view}: {total.reach.cohorts:,} cohorts, "
        f"{total.reach.participants:,} participants, "
        f"{total.reach.completions:,} completions ({total.reach.rate} %)"
        f"\n{view} page: {page_queries} queries (ordinary tests' ceiling "
        f"{PAGES[view]}); median {median_ms(client, url):.0f} ms over {ROUNDS}"
        f"\n{view} CSV export: {export_queries} queries (ceiling {EXPORTS[view]}); "
        f"median {median_ms(client, url, export):.0f} ms over {ROUNDS}"
    )
    assert page_queries == PAGES[view]
    assert export_queries == EXPORTS[view]
    assert total.reach.participants == COHORTS * PER_COHORT
    assert total.reach.completions == sum(
        1 for n in range(TRAINERS, TRAINERS + COHORTS * PER_COHORT) if completed(n)
    )
