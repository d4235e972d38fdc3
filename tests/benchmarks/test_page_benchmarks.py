"""Speed and query counts of the two pages learners load most, on a large dataset.

Run only on request (the default run deselects the `benchmark` marker); `-s`
shows the query counts and medians printed below, next to pytest-benchmark's
own table:

    .venv/bin/pytest tests/benchmarks -m benchmark -s

The dataset is 50 published courses (one module of six lessons each) and 5,000
learners enrolled in ten courses each, with some lessons read and some courses
completed. It is built once for the module, inside a transaction rolled back at
the end, so it never leaks into other tests run in the same session.

Query counts are compared with the counts of the same requests on a tiny
dataset built by the same code: a page whose count grows with the data has an
N+1 problem. No wall-clock limit is asserted; the medians are for comparison
between runs (pytest-benchmark's --benchmark-autosave/--benchmark-compare).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from courses.models import Audience, CataloguePage, CoursePage, LessonPage, ModulePage
from lms.models import Completion, Enrolment, LessonProgress, User
from tests.benchmarks.staff_data import rolled_back
from tests.factories import PASSWORD, block_id, question_bank

pytestmark = pytest.mark.benchmark

COURSES = 50
LESSONS_PER_COURSE = 6
LEARNERS = 5_000
ENROLMENTS_PER_LEARNER = 10
ROUNDS = 30
WARMUP_ROUNDS = 3
BATCH = 5_000


@dataclass(frozen=True)
class Dataset:
    learner: User
    lesson_url: str
    my_courses_url: str
    description: str


def lessons_read(learner_index: int, slot: int) -> int:
    """How many lessons (0 to all) the learner has read in their slot-th course.

    Learner 0, who is measured, has courses not started, in progress and completed.
    """
    return (learner_index + slot * LESSONS_PER_COURSE) % (LESSONS_PER_COURSE + 1)


def build_courses(count: int) -> list[tuple[CoursePage, list[LessonPage]]]:
    """Publish `count` courses under a new catalogue made the default site's root.

    Pages go straight into the tree with add_child: no revisions, which the
    learner-facing pages never read.
    """
    root = Page.get_first_root_node()
    catalogue = root.add_child(instance=CataloguePage(title="Cursos", slug="cursos"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": catalogue},
    )
    bank = question_bank(10)
    courses = []
    for n in range(count):
        course = catalogue.add_child(
            instance=CoursePage(
                title=f"Curso {n}",
                slug=f"curso-{n}",
                audience=Audience.PUBLIC_SERVANTS,
                summary="Un curso de integridad.",
                learning_outcomes="Reconocer un conflicto de intereses",
                estimated_hours=2,
                pass_mark=60,
                max_attempts=2,
                questions_per_attempt=5,
                certificate_title="Constancia",
                question_bank=bank,
            )
        )
        module = course.add_child(
            instance=ModulePage(title="Módulo 1", slug="modulo-1")
        )
        lessons = [
            module.add_child(
                instance=LessonPage(
                    title=f"Lección {n}.{m}",
                    slug=f"leccion-{m}",
                    minutes=10,
                    body=[
                        {
                            "type": "text",
                            "value": f"<p>Contenido de la lección {n}.{m}.</p>" * 20,
                            "id": block_id(),
                        }
                    ],
                )
            )
            for m in range(1, LESSONS_PER_COURSE + 1)
        ]
        courses.append((course, lessons))
    return courses


def build_dataset(*, courses: int, learners: int, per_learner: int) -> Dataset:
    """Build courses and enrolled learners in bulk; the same code at every size."""
    course_list = build_courses(courses)
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        (
            User(
                username=f"aprendiz{i}",
                email=f"aprendiz{i}@example.pe",
                first_name="Aprendiz",
                last_name=str(i),
                password=password,
            )
            for i in range(learners)
        ),
        batch_size=BATCH,
    )
    stride = courses // per_learner
    slots = [
        (i, slot, (i + slot * stride) % courses)
        for i in range(learners)
        for slot in range(per_learner)
    ]
    enrolments = Enrolment.objects.bulk_create(
        (Enrolment(user=users[i], course=course_list[c][0]) for i, _slot, c in slots),
        batch_size=BATCH,
    )
    now = timezone.now()
    progress = [
        LessonProgress(
            enrolment=enrolment,
            lesson=lesson,
            completed_at=now - timedelta(days=1),
        )
        for enrolment, (i, slot, c) in zip(enrolments, slots, strict=True)
        for lesson in course_list[c][1][: lessons_read(i, slot)]
    ]
    LessonProgress.objects.bulk_create(progress, batch_size=BATCH)
    Completion.objects.bulk_create(
        (
            Completion(enrolment=enrolment, completed_at=now, score=80)
            for enrolment, (i, slot, _c) in zip(enrolments, slots, strict=True)
            if lessons_read(i, slot) == LESSONS_PER_COURSE
        ),
        batch_size=BATCH,
    )
    # Learner 0's first course is not started; its third lesson has a lesson
    # before and after it, inside the module.
    first_course, first_lessons = course_list[slots[0][2]]
    return Dataset(
        learner=users[0],
        lesson_url=first_lessons[2].url,
        my_courses_url=reverse("lms:my_courses"),
        description=(
            f"{courses} courses × {LESSONS_PER_COURSE} lessons, {learners} learners "
            f"× {per_learner} enrolments, {LessonProgress.objects.count()} lessons "
            f"read, {Completion.objects.count()} completions"
        ),
    )


def logged_in_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str) -> int:
    """Return the queries of a warm request: a first one fills Wagtail's caches."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response
    return len(queries.captured_queries)


def page_urls(data: Dataset) -> dict[str, str]:
    return {"lesson": data.lesson_url, "my_courses": data.my_courses_url}


@pytest.fixture(scope="module")
def tiny_query_counts(django_db_setup, django_db_blocker) -> dict[str, int]:
    """The query counts of both pages on a tiny dataset, which is then dropped."""
    with django_db_blocker.unblock(), rolled_back():
        cache.clear()
        data = build_dataset(courses=2, learners=2, per_learner=2)
        client = logged_in_client(data.learner)
        counts = {
            name: count_queries(client, url) for name, url in page_urls(data).items()
        }
    # Wagtail caches the site's root paths: the rolled-back site must not linger.
    cache.clear()
    return counts


@pytest.fixture(scope="module")
def large_dataset(tiny_query_counts, django_db_blocker):
    with django_db_blocker.unblock(), rolled_back():
        started = timezone.now()
        data = build_dataset(
            courses=COURSES, learners=LEARNERS, per_learner=ENROLMENTS_PER_LEARNER
        )
        if connection.vendor == "postgresql":
            # Autovacuum never sees rows of an open transaction; give the planner
            # the statistics a live database would have.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = (timezone.now() - started).total_seconds()
        print(f"\nBuilt {data.description} in {seconds:.1f} s")  # noqa: T201
        yield data
    cache.clear()


@pytest.fixture
def learner_client(large_dataset, db) -> Client:
    client = logged_in_client(large_dataset.learner)
    assert Enrolment.objects.filter(user=large_dataset.learner).count() == (
        ENROLMENTS_PER_LEARNER
    )
    return client


def measure(benchmark, client: Client, url: str, name: str, expected: int) -> None:
    queries = count_queries(client, url)
    benchmark.extra_info["queries"] = queries
    benchmark.extra_info["queries_on_tiny_dataset"] = expected

    def get() -> None:
        assert client.get(url).status_code == 200

    benchmark.pedantic(get, rounds=ROUNDS, warmup_rounds=WARMUP_ROUNDS)
    median = (
        f"{benchmark.stats.stats.median * 1000:.1f} ms" if benchmark.stats else "n/a"
    )
    print(  # noqa: T201
        f"\n{name} {url}: {queries} queries (tiny dataset: {expected}); "
        f"median {median} over {ROUNDS} rounds"
    )
    assert queries == expected, (
        f"{name} runs {queries} queries on the large dataset but {expected} on a "
        "tiny one: a query is repeated per enrolment, course or lesson"
    )


def test_lesson_page(benchmark, learner_client, large_dataset, tiny_query_counts):
    measure(
        benchmark,
        learner_client,
        large_dataset.lesson_url,
        "Lesson page",
        tiny_query_counts["lesson"],
    )


def test_my_courses_page(benchmark, learner_client, large_dataset, tiny_query_counts):
    measure(
        benchmark,
        learner_client,
        large_dataset.my_courses_url,
        "Mis cursos",
        tiny_query_counts["my_courses"],
    )
