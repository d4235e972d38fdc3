"""Requests per second of certificate verification and PDF download over HTTP.

Run only on request (the default run deselects the `benchmark` marker); `-s`
shows the table printed below:

    .venv/bin/pytest tests/benchmarks/test_http_benchmarks.py -m benchmark -s

Three URLs are served by pytest-django's live server (Django's threaded WSGI
server, in the test process) and loaded in turn by wrk with identical settings:
a bare view answering "ok" through the project's middleware
(tests/benchmarks/bare_urls.py), the JSON verification
GET /api/v1/certificates/{code}, and the download of an already stored PDF
GET /mis-certificados/{code}/pdf/ by its logged-in holder. Runs alternate
bare/JSON/PDF for a few rounds and the median requests per second of each URL
is compared with the bare view's, aimed at 0.7 or more.

The verification rate limit is switched off (CERTIFICATE_VERIFY_RATE_LIMIT
empty): at its real setting nearly every request would be a 429. Only that
every response was a 200 is asserted, never a throughput.

wrk is the Debian package of that name (apt-get install wrk).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import time

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from certificates.delivery import store_pdf
from certificates.issuance import issue_certificate
from lms.models import Person
from tests.benchmarks.wrk import wrk_path
from tests.factories import UserFactory, signed_in_session

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.urls("tests.benchmarks.bare_urls"),
    # The live server only sees committed rows; serialized_rollback restores
    # the rows Wagtail's migrations create, which the flush afterwards wipes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 2
WRK_ARGS = ["-t2", "-c8", "-d8s", "--latency"]
WARMUP_ARGS = ["-t1", "-c2", "-d1s"]
TARGET_RATIO = 0.7
SETTLE_SECONDS = 1


def run_wrk(wrk: str, url: str, headers: list[str], args: list[str]) -> float:
    """Load the URL with wrk; return requests/sec, failing on any non-2xx/3xx."""
    command = [wrk, *args]
    for header in headers:
        command += ["-H", header]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=60, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"wrk failed on {url}:\n{output}"
    assert "Non-2xx or 3xx responses" not in output, f"{url} failed:\n{output}"
    assert "Socket errors" not in output, f"{url} had socket errors:\n{output}"
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found, f"No Requests/sec in wrk's output for {url}:\n{output}"
    return float(found[1])


@pytest.fixture
def holder(course):
    """A holder with an account and one issued certificate, its PDF stored."""
    user = UserFactory(first_name="Rosa", last_name="Quispe", email="rosa@example.pe")
    person = Person.objects.create(
        user=user,
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
        document_number="42388604",
    )
    certificate = issue_certificate(
        person=person, course=course, issued_on=timezone.localdate(), score=85
    )
    store_pdf(certificate)
    assert certificate.pdf
    return user, certificate


def test_verification_and_download_against_a_bare_view(live_server, settings, holder):
    settings.CERTIFICATE_VERIFY_RATE_LIMIT = ""  # off: see the module docstring
    wrk = wrk_path()
    user, certificate = holder
    session_id = signed_in_session(user)
    cookie = f"Cookie: {django_settings.SESSION_COOKIE_NAME}={session_id}"

    targets = {
        "bare view": (f"{live_server.url}/bench/bare/", []),
        "JSON verification": (
            f"{live_server.url}/api/v1/certificates/{certificate.code}",
            [],
        ),
        "PDF download": (
            f"{live_server.url}/mis-certificados/{certificate.code}/pdf/",
            [cookie],
        ),
    }
    for url, headers in targets.values():
        run_wrk(wrk, url, headers, WARMUP_ARGS)  # also checks each answers 200

    rates: dict[str, list[float]] = {name: [] for name in targets}
    for _round in range(ROUNDS):
        for name, (url, headers) in targets.items():
            rates[name].append(run_wrk(wrk, url, headers, WRK_ARGS))
    # wrk hangs up mid-request when its time is up: let the server's threads
    # finish those requests before the test's database access is withdrawn.
    time.sleep(SETTLE_SECONDS)

    medians = {name: statistics.median(values) for name, values in rates.items()}
    bare = medians["bare view"]
    lines = [
        f"\nRequests/sec, median of {ROUNDS} wrk runs ({' '.join(WRK_ARGS)}), "
        "verification rate limit off:",
        f"{'URL':<20}{'req/s':>10}{'ratio':>8}   runs",
    ]
    for name, median in medians.items():
        runs = ", ".join(f"{value:.0f}" for value in rates[name])
        lines.append(f"{name:<20}{median:>10.1f}{median / bare:>8.2f}   {runs}")
    lines.append(f"(target ratio to the bare view: >= {TARGET_RATIO})")
    print("\n".join(lines))  # noqa: T201
