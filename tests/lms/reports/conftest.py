"""The day the HR pages' tests look at their units: noon in Lima, 4 May 2026."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

NOON_IN_LIMA = datetime(2026, 5, 4, 12, tzinfo=ZoneInfo("America/Lima"))


@pytest.fixture
def lima_noon():
    """Hold the clock at NOON_IN_LIMA for the whole test."""
    with time_machine.travel(NOON_IN_LIMA, tick=False):
        yield
