"""Races between two browser tabs, run with real concurrent PostgreSQL connections.

SQLite serialises every writer on a file lock, so it cannot reproduce the
interleaving these tests need; they run in CI, which uses PostgreSQL.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lms.learning.assessment import start_attempt
from lms.models import Attempt, Completion

pytestmark = [
    # serialized_rollback restores the root page and locale that Wagtail's
    # migrations create, which a transactional test's flush would wipe.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locking with concurrent connections; "
        "set DATABASE_URL (CI does)",
    ),
]


def at_once(user, requests: list[tuple[str, dict]]) -> list[int]:
    """Send the requests from separate threads, each with its own connection."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []

    def send(url: str, data: dict) -> None:
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def right_answers(attempt: Attempt) -> dict[str, list[str]]:
    return {f"q-{q.id}": sorted(q.correct_ids()) for q in attempt.drawn_questions()}


@pytest.mark.parametrize("repeat", range(3))
def test_two_tabs_submitting_one_attempt_record_one_completion(
    learner, lessons_read, repeat
):
    attempt = start_attempt(enrolment=lessons_read, now=timezone.now())
    url = reverse("lms:attempt", args=[attempt.pk])
    statuses = at_once(learner, [(url, right_answers(attempt))] * 2)
    assert sorted(statuses) == [302, 302]  # the loser is redirected to the result
    assert Completion.objects.filter(enrolment=lessons_read).count() == 1
    attempt.refresh_from_db()
    assert attempt.score == 100


def test_two_tabs_starting_the_assessment_open_one_attempt(learner, lessons_read):
    url = reverse("lms:assessment", args=[lessons_read.course_id])
    statuses = at_once(learner, [(url, {})] * 2)
    assert statuses == [302, 302]
    assert Attempt.objects.filter(enrolment=lessons_read).count() == 1
