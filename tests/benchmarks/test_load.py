"""Load on the production stack: 50 connections for 60 seconds on three pages.

Run only on request (the default run deselects the `benchmark` marker); `-s`
shows the table printed below (see README, "Production", "Load test"):

    bash scripts/install.sh test $(cat scripts/debian-packages.txt) \\
        $(cat scripts/benchmark-packages.txt)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integridad \\
        .venv/bin/pytest tests/benchmarks/test_load.py -m benchmark -s

The stack is tests/production/stack.py's: its own PostgreSQL and Redis,
gunicorn with scripts/gunicorn.conf.py's default workers (two per core plus
one) and a task worker, all with lms.settings.production. The learner
signs in over HTTPS; the load goes to a second gunicorn of the same stack
speaking plain HTTP, as the proxy that terminates TLS reaches it, with the
X-Forwarded-Proto header the proxy adds. (Over gunicorn's own TLS, a
request waiting for a worker waits in the handshake, before wrk starts
its clock, and the latencies would leave the wait out.) wrk (2 threads,
50 connections, 60 s, on the same machine) loads in turn:

- the public verification page /verificar/<code>/,
- its JSON, /api/v1/certificates/<code>,
- a lesson page, with a learner's session cookie.

The verification rate limit (CERTIFICATE_VERIFY_RATE_LIMIT, 30/m/ip) would
answer nearly every request from one address with a 429: it is raised for
this run, and still counted in Redis on every request. Errors are non-2xx
responses (counted by tests/benchmarks/wrk_errors.lua: wrk itself takes a
3xx for a success) and socket errors; no throughput is asserted, only that
there are none.
"""

from __future__ import annotations

import multiprocessing

import pytest
import requests

from tests.benchmarks.conftest import RAISED_RATE_LIMIT
from tests.benchmarks.wrk import load, machine
from tests.production.stack import needs_postgresql
from tests.production.visitor import Visitor

pytestmark = [pytest.mark.benchmark, needs_postgresql]

CONNECTIONS = 50
SECONDS = 60
WRK_ARGS = ["-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "30s"]


def test_fifty_connections_for_a_minute_get_no_errors(stack):
    visitor = Visitor(stack)
    visitor.log_in(stack.next_learner())
    visitor.complete_course()
    lesson_path = visitor.lessons_read[0]
    [(code,)] = stack.query("SELECT code FROM certificates_certificate")
    session = {"Cookie": f"sessionid={visitor.session.cookies['sessionid']}"}

    targets = {
        "verification page": (f"/verificar/{code}/", {}),
        "verification JSON": (f"/api/v1/certificates/{code}", {}),
        "lesson (signed in)": (lesson_path, session),
    }
    behind_the_proxy = stack.serve_plain_http()
    proxy = {"X-Forwarded-Proto": "https"}
    for path, headers in targets.values():
        answer = requests.get(
            behind_the_proxy + path, headers={**proxy, **headers}, timeout=60
        )
        assert answer.status_code == 200, (path, answer.status_code)

    # scripts/gunicorn.conf.py's default.
    workers = stack.env.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1)
    lines = [
        f"\nMachine: {machine()}",
        f"gunicorn: {workers} sync workers; one RQ worker; PostgreSQL and Redis "
        "on the same machine; wrk " + " ".join(WRK_ARGS),
        f"verification rate limit raised to {RAISED_RATE_LIMIT}",
        f"{'URL':<22}{'requests':>9}{'req/s':>8}{'errors':>8}{'p50 ms':>8}"
        f"{'p99 ms':>8}",
    ]
    errors = {}
    for name, (path, headers) in targets.items():
        figures = load(behind_the_proxy + path, {**proxy, **headers}, WRK_ARGS)
        errors[name] = figures["not_2xx"] + figures["socket_errors"]
        lines.append(
            f"{name:<22}{figures['requests']:>9.0f}"
            f"{figures['requests'] / figures['seconds']:>8.1f}{errors[name]:>8.0f}"
            f"{figures['p50_ms']:>8.1f}{figures['p99_ms']:>8.1f}"
        )
    print("\n".join(lines))  # noqa: T201
    assert errors == dict.fromkeys(targets, 0)
