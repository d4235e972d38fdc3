"""Looking up 2,000 guessed certificate codes, against a bare query each.

Run on request:

    .venv/bin/pytest tests/benchmarks/test_verification_benchmark.py -m benchmark -s

The floor is measured in the same run on the same machine: one indexed
query per code, with nothing remembered. The lookup (its cache of unknown
codes included) may cost a few times that, not more: a lookup gone
quadratic, or a cache slower than the database, fails here. The ordinary
test (tests/certificates/verification/test_verify_view.py) checks that no guess finds a
certificate and that each costs at most one query.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from certificates import codes
from certificates.issuance import issue_certificate
from certificates.models import Certificate
from certificates.verification import lookup
from tests.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

GUESSES = 2_000
ROUNDS = 3
# How many floors the lookup may take: its cache read and write per code.
ALLOWED_FACTOR = 3


def fastest(run: Callable[[list[str]], object], guesses: list[str]) -> float:
    """Return the best of ROUNDS runs over the guesses, each with a cold cache."""
    times = []
    for _round in range(ROUNDS):
        cache.clear()
        started = time.perf_counter()
        run(guesses)
        times.append(time.perf_counter() - started)
    return min(times)


def test_guessed_codes_cost_a_few_bare_queries_each(course):
    issue_certificate(
        person=PersonFactory(user=UserFactory()),
        course=course,
        issued_on=timezone.localdate(),
        score=90,
    )
    prefix = settings.CERTIFICATE_CODE_PREFIX
    guesses = [codes.new_code(prefix) for _n in range(GUESSES)]

    def floor(codes: list[str]) -> None:
        for code in codes:
            Certificate.objects.filter(code=code).first()

    def lookups(codes: list[str]) -> None:
        for code in codes:
            lookup.lookup(code)

    bare, looked_up = fastest(floor, guesses), fastest(lookups, guesses)
    print(  # noqa: T201
        f"\n{GUESSES} guesses: {bare:.2f} s bare, {looked_up:.2f} s looked up"
    )
    assert looked_up < ALLOWED_FACTOR * bare
