"""Fixtures shared by the benchmarks."""

import pytest
import time_machine

from tests.benchmarks.staff_data import NOW
from tests.production.stack import Stack

# The verification rate limit (30/m/ip) would answer nearly every request from
# one address with a 429: the HTTP benchmarks raise it, and it is still
# counted in Redis on every request.
RAISED_RATE_LIMIT = "1000000/m/ip"


@pytest.fixture(scope="module")
def frozen():
    """Hold the clock at NOW for the module's data and requests."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    """The production stack with the verification rate limit raised."""
    stack = Stack(
        tmp_path_factory.mktemp("stack"),
        settings={"CERTIFICATE_VERIFY_RATE_LIMIT": RAISED_RATE_LIMIT},
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
