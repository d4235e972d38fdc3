"""Fixtures shared by the staff benchmarks."""

import pytest
import time_machine

from tests.benchmarks.staff_data import NOW


@pytest.fixture(scope="module")
def frozen():
    """Hold the clock at NOW for the module's data and requests."""
    with time_machine.travel(NOW, tick=False):
        yield
