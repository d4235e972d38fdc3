"""The project's hot pages side by side with a bare Django project: the floor.

Run only on request (the default run deselects the `benchmark` marker); `-s`
shows the tables printed below (README, "Benchmarks", "Against the floor"):

    bash scripts/install.sh test $(cat scripts/debian-packages.txt) \\
        $(cat scripts/benchmark-packages.txt)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integridad \\
        .venv/bin/pytest tests/benchmarks/test_floors.py -m benchmark -s

The project runs as in production (tests/production/stack.py: gunicorn with
scripts/gunicorn.conf.py and lms.settings.production, its own PostgreSQL and
Redis), reached over plain HTTP as the TLS proxy reaches it. The floor is
tests/benchmarks/floor/, a bare Django project served by a second gunicorn
with the same settings file and the same PostgreSQL database: its one view
looks a certificate up by its code and answers JSON.

The certificates table is grown to 100,000 rows and then 1,000,000
(tests/benchmarks/certificate_data.py). At each size, every page is loaded
right after the floor, pair by pair, for ROUNDS rounds (floor, JSON, floor,
page, …), so that whatever else the machine does moves both sides of a pair;
the ratio is the median of the pairs' requests/s ratios. CPU is the gunicorn
master's and its workers' (those replaced included) user and system time,
read from /proc, per request served. Nothing is asserted of speed: only that
every answer was a 2xx.

The verification rate limit is raised (from one address nearly every request
would be a 429), and still counted in Redis on every request.
"""

from __future__ import annotations

import os
import statistics
import subprocess
from pathlib import Path

import pytest
import requests

from tests.benchmarks.certificate_data import grow_certificates
from tests.benchmarks.wrk import load, load_average, machine
from tests.production.stack import (
    GUNICORN,
    HOST,
    REPO,
    START_SECONDS,
    free_port,
    needs_postgresql,
    wait_for,
)
from tests.production.visitor import Visitor

pytestmark = [pytest.mark.benchmark, needs_postgresql]

# BENCHMARK_SIZES=100000 measures one size, for a quicker look.
SIZES = tuple(
    int(size) for size in os.environ.get("BENCHMARK_SIZES", "100000,1000000").split(",")
)
ROUNDS = 3
CONNECTIONS = 8
WRK_ARGS = ["-t2", f"-c{CONNECTIONS}", "-d8s", "--timeout", "30s"]
WARMUP_ARGS = ["-t1", "-c2", "-d2s"]
PROXY = {"X-Forwarded-Proto": "https"}
# The goals: requests/s as a share of the floor's.
GOALS = {
    "verification JSON": 0.7,
    "verification page": 0.5,
    "catalogue, anonymous": 0.5,
    "lesson, signed in": 0.3,
}


@pytest.fixture(scope="module")
def floor(stack):
    """Serve the bare project with the project's gunicorn settings; its address."""
    address = f"{HOST}:{free_port()}"
    env = {**stack.env, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.floor.settings"}
    with (stack.directory / "floor.log").open("a") as log:
        server = subprocess.Popen(
            [*GUNICORN, "--bind", address, "tests.benchmarks.floor.wsgi"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(
            lambda: requests.get(f"http://{address}/", timeout=60).status_code == 404,
            what="the floor's gunicorn to answer",
            seconds=START_SECONDS,
        )
        yield f"http://{address}", server.pid
    finally:
        os.killpg(server.pid, 9)
        server.wait(timeout=60)


def cpu_seconds(master: int) -> float:
    """User and system time of a gunicorn master, its workers and those it reaped."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # Fields after the command's closing parenthesis, from the state on.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        if int(stat.parent.name) == master:
            total += utime + stime + cutime + cstime
        elif int(fields[1]) == master:
            total += utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def measure(url: str, headers: dict[str, str], master: int) -> dict[str, float]:
    before = cpu_seconds(master)
    figures = load(url, headers, WRK_ARGS)
    figures["cpu_ms"] = (cpu_seconds(master) - before) * 1000 / figures["requests"]
    figures["rate"] = figures["requests"] / figures["seconds"]
    figures["errors"] = figures["not_2xx"] + figures["socket_errors"]
    return figures


def test_hot_pages_against_the_floor(stack, floor):
    visitor = Visitor(stack)
    visitor.log_in(stack.next_learner())
    visitor.complete_course()
    [(code,)] = stack.query("SELECT code FROM certificates_certificate")
    session = {"Cookie": f"sessionid={visitor.session.cookies['sessionid']}"}
    project = stack.serve_plain_http()
    master = stack.plain_web.pid
    floor_url, floor_master = floor
    floor_target = (f"{floor_url}/api/v1/certificates/{code}", {}, floor_master)
    targets = {
        "verification JSON": (f"/api/v1/certificates/{code}", {}),
        "verification page": (f"/verificar/{code}/", {}),
        "catalogue, anonymous": ("/", {}),
        "lesson, signed in": (visitor.lessons_read[0], session),
    }
    targets = {
        name: (project + path, {**PROXY, **headers}, master)
        for name, (path, headers) in targets.items()
    }
    for url, headers, _master in (floor_target, *targets.values()):
        answer = requests.get(url, headers=headers, timeout=60)
        assert answer.status_code == 200, (url, answer.status_code)
        load(url, headers, WARMUP_ARGS)

    errors = []
    for size in SIZES:
        rows = grow_certificates(stack.env["DATABASE_URL"], size)
        before = machine()
        pairs: dict[str, list[tuple[dict, dict]]] = {name: [] for name in targets}
        for _round in range(ROUNDS):
            for name, target in targets.items():
                pairs[name].append((measure(*floor_target), measure(*target)))
        print(table(rows, before, pairs))  # noqa: T201
        errors += [
            (size, name, side["errors"])
            for name, runs in pairs.items()
            for pair in runs
            for side in pair
            if side["errors"]
        ]
    assert errors == []


def table(rows: int, before: str, pairs: dict[str, list[tuple[dict, dict]]]) -> str:
    workers = os.environ.get("WEB_CONCURRENCY", "two per core plus one")
    lines = [
        f"\n{rows:,} certificates. Machine: {before}",
        f"gunicorn {workers} sync workers for each; wrk {' '.join(WRK_ARGS)}; "
        f"{ROUNDS} rounds of floor/page pairs; medians",
        f"{'page':<22}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms':>8}"
        f"{'floor r/s':>10}{'CPU ms':>8}{'ratio':>7}{'goal':>6}",
    ]
    for name, runs in pairs.items():
        floors = [floor for floor, _page in runs]
        pages = [page for _floor, page in runs]

        def median(sides, figure):
            return statistics.median(side[figure] for side in sides)

        ratio = statistics.median(page["rate"] / floor["rate"] for floor, page in runs)
        lines.append(
            f"{name:<22}{median(pages, 'rate'):>7.0f}{median(pages, 'p50_ms'):>8.1f}"
            f"{median(pages, 'p99_ms'):>8.1f}{median(pages, 'cpu_ms'):>8.2f}"
            f"{median(floors, 'rate'):>10.0f}{median(floors, 'cpu_ms'):>8.2f}"
            f"{ratio:>7.2f}{GOALS[name]:>6.1f}"
        )
    lines.append(f"load average after: {load_average()}")
    return "\n".join(lines)
