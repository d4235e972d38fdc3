"""No client sees a worker being replaced: load across gunicorn's recycling.

gunicorn replaces a sync worker after `max_requests` (plus jitter) requests.
Without `preload_app` the new worker imports Django and Wagtail again (about
2 s of CPU); the workers, started together and serving alike, reached their
count together, and the server answered nobody for seconds. This benchmark
puts the production configuration (scripts/gunicorn.conf.py: the app
preloaded, a wide jitter) and the same configuration without preloading side
by side on one stack, recycling every 150 to 225 requests so that the
boundary is crossed many times, and counts the seconds in which no request
was answered. Run on request, as the other benchmarks:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integridad \\
        .venv/bin/pytest tests/benchmarks/test_worker_recycling.py -m benchmark -s
"""

from __future__ import annotations

import os
import signal
import statistics
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.benchmarks.conftest import RAISED_RATE_LIMIT
from tests.benchmarks.wrk import machine
from tests.production.stack import (
    GUNICORN,
    HOST,
    REPO,
    START_SECONDS,
    Stack,
    free_port,
    needs_postgresql,
    wait_for,
)
from tests.production.visitor import Visitor

pytestmark = [pytest.mark.benchmark, needs_postgresql]

MAX_REQUESTS = "150"
CLIENTS = 8
ROUND_SECONDS = 25
ROUNDS = 2
PRODUCTION = "scripts/gunicorn.conf.py"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(
        tmp_path_factory.mktemp("recycling"),
        settings={
            "CERTIFICATE_VERIFY_RATE_LIMIT": RAISED_RATE_LIMIT,
            "GUNICORN_MAX_REQUESTS": MAX_REQUESTS,
            "ACCESS_LOG": "/dev/null",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def without_preloading(directory: Path) -> Path:
    """The production configuration, but each worker imports the app itself."""
    config = directory / "gunicorn-no-preload.conf.py"
    config.write_text(
        f"exec(open({str(REPO / PRODUCTION)!r}).read())\npreload_app = False\n",
        encoding="utf-8",
    )
    return config


class Server:
    """A plain-HTTP gunicorn of the stack with one configuration file."""

    def __init__(self, stack: Stack, name: str, config: Path | None) -> None:
        self.name = name
        self.address = f"http://{HOST}:{free_port()}"
        command = [*GUNICORN, "--bind", self.address.removeprefix("http://")]
        if config is not None:
            command[command.index(PRODUCTION)] = str(config)
        self.log = stack.directory / f"web-{name}.log"
        self.process = stack._spawn(command, self.log)
        wait_for(
            lambda: requests.get(f"{self.address}/healthz", timeout=60).ok,
            what=f"gunicorn ({name}) to answer",
            seconds=START_SECONDS,
        )

    def boots(self) -> int:
        return self.log.read_text().count("Booting worker")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=START_SECONDS)


def load(url: str, seconds: float) -> tuple[list[float], list[float], int]:
    """Request `url` from CLIENTS threads; return answer times, latencies, errors."""
    answered: list[float] = []
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client() -> None:
        nonlocal errors
        session = requests.Session()
        headers = {"X-Forwarded-Proto": "https"}
        while (start := time.monotonic()) < end:
            try:
                ok = session.get(url, headers=headers, timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            done = time.monotonic()
            with lock:
                if ok:
                    answered.append(done)
                    latencies.append(done - start)
                else:
                    errors += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered, latencies, errors


def silent_seconds(answered: list[float], began: float, seconds: float) -> list[int]:
    """Which whole seconds of the run saw no answer at all."""
    counts = [0] * int(seconds)
    for moment in answered:
        second = int(moment - began)
        if 0 <= second < len(counts):
            counts[second] += 1
    return [second for second, count in enumerate(counts) if count == 0]


def test_no_second_without_answers_across_worker_replacements(stack):
    # A learner completes the course over HTTPS: the certificate to verify.
    visitor = Visitor(stack)
    visitor.log_in(stack.next_learner())
    visitor.complete_course()
    [(code,)] = stack.query("SELECT code FROM certificates_certificate")
    servers = [
        Server(stack, "preloaded", None),
        Server(stack, "not-preloaded", without_preloading(stack.directory)),
    ]
    try:
        measure(servers, code)
    finally:
        for server in servers:
            server.stop()


def measure(servers: list[Server], code: str) -> None:
    figures = {
        server.name: {"answers": [], "latencies": [], "silent": [], "errors": 0}
        for server in servers
    }
    boots_before = {server.name: server.boots() for server in servers}
    # Interleaved, A B A B: a noisy moment of the machine moves both.
    for _round in range(ROUNDS):
        for server in servers:
            began = time.monotonic()
            answered, latencies, errors = load(
                f"{server.address}/api/v1/certificates/{code}", ROUND_SECONDS
            )
            mine = figures[server.name]
            mine["answers"] += answered
            mine["latencies"] += latencies
            mine["silent"] += silent_seconds(answered, began, ROUND_SECONDS)
            mine["errors"] += errors

    lines = [
        f"\nWorker recycling every {MAX_REQUESTS}+ requests, {CLIENTS} clients, "
        f"{ROUNDS}×{ROUND_SECONDS} s each; {machine()}",
        f"{'gunicorn':<15}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'silent s':>10}{'workers booted':>16}",
    ]
    for server in servers:
        mine = figures[server.name]
        latencies = sorted(mine["latencies"])
        p99 = latencies[int(len(latencies) * 0.99)] * 1000
        lines.append(
            f"{server.name:<15}{len(mine['answers']) / (ROUNDS * ROUND_SECONDS):>8.0f}"
            f"{statistics.median(latencies) * 1000:>9.1f}{p99:>9.0f}"
            f"{len(mine['silent']):>10}{server.boots() - boots_before[server.name]:>16}"
        )
    print("\n".join(lines))  # noqa: T201
    preloaded = figures["preloaded"]
    assert servers[0].boots() - boots_before["preloaded"] >= 5, (
        "the run did not cross enough replacements to tell"
    )
    assert preloaded["errors"] == 0
    assert preloaded["silent"] == [], f"silent seconds: {preloaded['silent']}"
