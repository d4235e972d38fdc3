"""One production stack for every test in this folder, started once.

Tests that stop a service (Redis, the worker, PostgreSQL) bring it back
before they end, so the next test finds the stack whole. The stack stops
after the folder's last test: they run first (tests/conftest.py), and the
rest of the run needs none of its processes.
"""

from __future__ import annotations

import pytest

from tests.production.stack import Stack
from tests.production.visitor import Learner, sign_in


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def learner(stack) -> Learner:
    return sign_in(stack)
