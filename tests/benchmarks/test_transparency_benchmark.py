"""The public transparency figures on 50,000 staff (PostgreSQL only).

Run on request, against PostgreSQL:

    DATABASE_URL=postgres://... .venv/bin/pytest \\
        tests/benchmarks/test_transparency_benchmark.py -m benchmark -s

The figures are computed once a day and cached, so what matters is the cost
of computing them afresh (what the first visitor of the day pays) and of a
cached page. Prints the medians and asserts only the query count, which
must stay what the ordinary tests assert on a handful of people.
"""

from __future__ import annotations

import statistics
import time

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from lms.transparency.figures import compute_figures
from tests.benchmarks.staff_data import NOW, build_staff_data, rolled_back

pytestmark = pytest.mark.benchmark

STAFF = 50_000
ROUNDS = 5
FIGURE_QUERIES = 6


@pytest.fixture(scope="module")
def dataset(frozen, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(
                "the transparency figures are measured on PostgreSQL; "
                "set DATABASE_URL to a PostgreSQL database"
            )
        with rolled_back():
            data = build_staff_data(staff=STAFF, requirements=5, today=NOW.date())
            print(f"\nBuilt {data.description}")  # noqa: T201
            yield data


def median_ms(action) -> float:
    timings = []
    for _round in range(ROUNDS):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def test_computing_and_serving_the_figures(dataset, db, django_assert_max_num_queries):
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(FIGURE_QUERIES):
            compute_figures(today=NOW.date())
        fresh = median_ms(lambda: compute_figures(today=NOW.date()))
        client = Client()
        url = reverse("transparency:dashboard")
        cache.clear()
        client.get(url)  # computes and caches the day's figures
        cached = median_ms(lambda: client.get(url))
        csv_url = reverse("transparency:dataset_csv", args=["units"])
        cached_csv = median_ms(lambda: client.get(csv_url))
    print(  # noqa: T201
        f"\ntransparency figures on {STAFF:,} staff: computed afresh "
        f"{fresh:.0f} ms (at most {FIGURE_QUERIES} queries); cached page "
        f"{cached:.1f} ms; "
        f"cached units CSV {cached_csv:.1f} ms"
    )
