"""HR reports on 250,000 staff and 1.4 million assignments (PostgreSQL only).

Run on request, against PostgreSQL:

    DATABASE_URL=postgres://... .venv/bin/pytest \\
        tests/benchmarks/test_hr_report_benchmarks.py -m benchmark -s

For each report page: its SQL query count, which may not pass the ceiling
the ordinary tests assert on two dozen people (a warm request, as here, runs
one query fewer than the first one they count), and its median response
time as the integrity officer (every unit) and as the HR officer of one
branch, with the load average beside it (the machine is shared). Then a
50,000-row CSV export over HTTP, consumed as it streams, timed against
PostgreSQL's COPY of the export's own query (its floor), in alternating
rounds, with the load average beside the medians; and the peak Python memory
tracemalloc sees against a 5,000-row export: the two peaks must be close, or
the export holds its rows in memory. No wall-clock limit is asserted.
"""

from __future__ import annotations

import os
import re
import statistics
import time
import tracemalloc
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy

from lms.models import Role
from tests.benchmarks.staff_data import (
    HIRE_SPREAD_DAYS,
    NOW,
    build_staff_data,
    rolled_back,
)
from tests.factories import UserFactory, grant
from tests.lms.reports.test_hr_report_queries import EXPORT, PAGES

pytestmark = pytest.mark.benchmark

STAFF = 250_000
EXPORT_ROWS = 50_000
REQUIREMENTS = 5
ROUNDS = 5
# Export and COPY alternate this many times each; their medians are compared.
INTERLEAVED_ROUNDS = 3
TODAY = NOW.date()
# The flat-memory check: a list ten times longer may not need much more.
MEMORY_GROWTH_ALLOWED = 1.5


EXPORT_URL = reverse_lazy("lms_report_assignments")


@pytest.fixture(scope="module")
def dataset(frozen, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            pytest.skip(
                "HR report figures are about PostgreSQL (server-side cursors, "
                "its planner); set DATABASE_URL to a PostgreSQL database"
            )
        with rolled_back():
            started = time.perf_counter()
            data = build_staff_data(staff=STAFF, requirements=REQUIREMENTS, today=TODAY)
            seconds = time.perf_counter() - started
            print(f"\nBuilt {data.description} in {seconds:.1f} s")  # noqa: T201
            officer = grant(UserFactory(), Role.INTEGRITY_OFFICER)
            hr = grant(UserFactory(), Role.HR_OFFICER, data.units[1])
            yield {"data": data, "integrity officer": officer, "HR officer": hr}


@pytest.fixture
def clients(dataset, db) -> dict[str, Client]:
    clients = {}
    for name in ("integrity officer", "HR officer"):
        client = Client()
        client.force_login(dataset[name])
        clients[name] = client
    return clients


def queries_of(client: Client, url: str, params: dict | None = None) -> int:
    """Return the queries of a warm request, its content consumed."""
    client.get(url, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        consume(response)
    assert response.status_code == 200
    return len(queries.captured_queries)


def consume(response) -> int:
    """Read the response to the end; return its size in bytes."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def median_ms(client: Client, url: str, params: dict | None = None) -> float:
    timings = []
    for _round in range(ROUNDS):
        started = time.perf_counter()
        response = client.get(url, params)
        consume(response)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(timings)


@pytest.mark.parametrize("report", list(PAGES))
def test_report_page(clients, report):
    url = reverse(f"lms_report_{report}")
    for name, client in clients.items():
        queries = queries_of(client, url)
        median = median_ms(client, url)
        load = ", ".join(f"{figure:.2f}" for figure in os.getloadavg())
        print(  # noqa: T201
            f"\n{report} page as {name}: {queries} queries "
            f"(ordinary tests' ceiling {PAGES[report]}); "
            f"median {median:.0f} ms over {ROUNDS} requests; load {load}"
        )
        assert queries <= PAGES[report]


def export_params(rows: int) -> dict:
    """Filter the assignments report to about `rows` rows of one requirement."""
    days = HIRE_SPREAD_DAYS * rows // STAFF
    return {
        "export": "csv",
        "requirement": "",
        "hired_on_from": (TODAY - timedelta(days=days - 1)).isoformat(),
        "hired_on_to": TODAY.isoformat(),
    }


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def export_sql(client: Client, params: dict) -> tuple[str, int]:
    """Return the SQL of the export's rows, literals bound, and its query count."""
    with CaptureQueriesContext(connection) as queries:
        lines = consume_lines(client.get(EXPORT_URL, params))
    assert lines - 1 == EXPORT_ROWS
    # The rows' query is by far the longest: its joins and status conditions.
    # It runs in a server-side cursor, which COPY cannot take: keep the SELECT.
    declared = max((query["sql"] for query in queries.captured_queries), key=len)
    sql = re.sub(r"^DECLARE .+? CURSOR (WITH HOLD )?FOR ", "", declared)
    return sql, len(queries.captured_queries)


def copy_out(sql: str) -> int:
    """COPY the query's rows out as CSV through psycopg; return the bytes read."""
    size = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH CSV") as copy:
            for data in copy:
                size += len(data)
    return size


def consume_lines(response) -> int:
    return sum(chunk.count(b"\n") for chunk in response.streaming_content)


def streamed_export(client: Client, params: dict) -> tuple[int, int]:
    """Return the export's lines and the peak memory tracemalloc saw, in bytes."""
    tracemalloc.start()
    try:
        lines = consume_lines(client.get(EXPORT_URL, params))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return lines, peak


def load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def test_csv_export_of_50000_rows_against_copy_in_flat_memory(clients, dataset):
    """Time the export over HTTP against COPY of its own query, interleaved.

    COPY is the floor: PostgreSQL runs the same query (same columns, joins,
    scope and order) and psycopg reads the CSV, with no Python per row.
    Rounds alternate (export, COPY, export, COPY...) so that a busy moment
    of the shared machine weighs on both; the medians are compared.
    """
    client = clients["integrity officer"]
    requirement = dataset["data"].requirements[0].pk
    small = {**export_params(5_000), "requirement": requirement}
    large = {**export_params(EXPORT_ROWS), "requirement": requirement}
    sql, queries = export_sql(client, large)
    # At most one more than the ordinary export's ceiling: the chosen
    # requirement is looked up.
    assert queries <= EXPORT + 1
    load_before = load()
    exports, copies = [], []
    for _round in range(INTERLEAVED_ROUNDS):
        exports.append(timed(lambda: consume(client.get(EXPORT_URL, large))))
        copies.append(timed(lambda: copy_out(sql)))
    load_after = load()
    small_lines, small_peak = streamed_export(client, small)
    large_lines, large_peak = streamed_export(client, large)
    export, floor = statistics.median(exports), statistics.median(copies)
    print(  # noqa: T201
        f"\nCSV export of {EXPORT_ROWS:,} rows, {INTERLEAVED_ROUNDS} rounds "
        "interleaved "
        f"(load average {load_before} before, {load_after} after):"
        f"\n  export over HTTP: median {export:.2f} s "
        f"({', '.join(f'{seconds:.2f}' for seconds in exports)})"
        f"\n  COPY of its query: median {floor:.2f} s "
        f"({', '.join(f'{seconds:.2f}' for seconds in copies)})"
        f"\n  ratio {export / floor:.2f}x"
        f"\n  peak memory (tracemalloc): {small_lines - 1:,} rows "
        f"{small_peak / 2**20:.1f} MiB, {large_lines - 1:,} rows "
        f"{large_peak / 2**20:.1f} MiB"
    )
    assert large_lines - 1 == EXPORT_ROWS
    assert large_peak < small_peak * MEMORY_GROWTH_ALLOWED
