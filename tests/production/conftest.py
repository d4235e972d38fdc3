"""One production stack for every test in this folder, started once.

Tests that stop a service (Redis, the worker, PostgreSQL) bring it back
before they end, so the next test finds the stack whole.
"""

from __future__ import annotations

import pytest

from tests.production.stack import Stack
from tests.production.visitor import Learner, sign_in


@pytest.fixture(scope="session")
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
