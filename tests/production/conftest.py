"""One production stack for every test in this folder, started once.

Tests that stop a service (Redis, the worker, PostgreSQL) bring it back
before they end, so the next test finds the stack whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.production.content import NAMES
from tests.production.stack import Stack, learner_number
from tests.production.visitor import Visitor

CERTIFICATE_OF = """
    SELECT certificate.code, certificate.pdf, certificate.delivered_at
    FROM certificates_certificate AS certificate
    JOIN lms_person AS person ON person.id = certificate.person_id
    JOIN lms_user AS account ON account.id = person.user_id
    WHERE account.email = %s
"""


@dataclass
class Learner:
    email: str
    name: str
    visitor: Visitor

    def certificates(self) -> list[tuple]:
        """(code, PDF file name, delivered at) of each of their certificates."""
        return self.visitor.stack.query(CERTIFICATE_OF, self.email)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("stack"), tls=True)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def learner(stack) -> Learner:
    """A learner account no other test has used, logged in."""
    email = stack.next_learner()
    first_names, last_names = NAMES[learner_number(email) - 1]
    visitor = Visitor(stack)
    visitor.log_in(email)
    assert visitor.path == "/mis-cursos/", visitor.page.url
    return Learner(email, f"{first_names} {last_names}", visitor)
