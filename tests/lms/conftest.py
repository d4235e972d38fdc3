"""Two staff records the staff admin's tests share, one on each side of the
line between unit A and unit B."""

from __future__ import annotations

import pytest

from lms.models import StaffMember
from tests.factories import PersonFactory, StaffMemberFactory


@pytest.fixture
def member_a(units) -> StaffMember:
    """Rosa, a staff member of A1 (under A), with no account."""
    person = PersonFactory(
        document_number="42388604", first_names="Rosa Elena", last_names="Quispe"
    )
    return StaffMemberFactory(person=person, unit=units["a1"], post="Analista")


@pytest.fixture
def member_b(units) -> StaffMember:
    """Pedro, a staff member of unit B, out of reach of A's HR and unit head."""
    person = PersonFactory(
        document_number="10117410", first_names="Pedro", last_names="Chávez"
    )
    return StaffMemberFactory(person=person, unit=units["b"])
