"""Two completions for the same holder and course arriving at once.

Runs with real concurrent PostgreSQL connections; SQLite serialises writers
on a file lock, so it cannot interleave the two transactions.
"""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from certificates.issuance import issue_certificate
from certificates.models import Certificate
from lms.models import Person

pytestmark = [
    # serialized_rollback restores the rows Wagtail's migrations create.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs concurrent PostgreSQL connections; set DATABASE_URL (CI does)",
    ),
]


@pytest.fixture
def person(db):
    return Person.objects.create(
        document_number="42388604", first_names="Rosa", last_names="Quispe"
    )


@pytest.mark.parametrize("repeat", range(5))
def test_two_completions_at_once_make_one_certificate(person, course, repeat):
    barrier = threading.Barrier(2)
    issued: list[str] = []

    def complete() -> None:
        barrier.wait()
        try:
            certificate = issue_certificate(
                person=person, course=course, issued_on=date(2026, 11, 22), score=90
            )
            issued.append(certificate.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Certificate.objects.count() == 1
    assert issued == [Certificate.objects.get().code] * 2


def test_the_database_refuses_a_second_certificate_for_the_same_period(person, course):
    first = issue_certificate(
        person=person, course=course, issued_on=date(2026, 11, 22), score=90
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            code="GRC-0000-0000-0000-0000-0",
            person=person,
            course=course,
            period=first.period,
            holder_name="Rosa Quispe",
            certificate_title="x",
            course_title="x",
            hours=1,
            issued_on=date(2026, 11, 23),
        )
