"""HR list exports read plain rows: labels from a dict, CSV a chunk at a time.

A 50,000-row export that built the person, unit, requirement and cohort of
every row took twelve times what PostgreSQL takes to COPY its columns out;
the exports read tuples, and a list export builds no model object at all.
"""

from __future__ import annotations

import csv
import io
from contextlib import ExitStack
from unittest import mock

import pytest
from django.urls import reverse

from lms.models import Assignment, Person, StaffMember
from lms.reports.exports import csv_chunks, labels
from lms.staff.models import AssignmentStatus, Regime
from tests.lms.reports.test_hr_report_cohorts import (  # noqa: F401
    frozen_today,
    group,
    people,
)


def test_a_label_is_read_from_the_choices_and_an_unknown_value_shows_as_itself():
    regime = labels(Regime)

    assert regime(Regime.CAS) == str(Regime.CAS.label)
    assert regime("D.S. 99") == "D.S. 99"


def test_no_status_leaves_the_cell_empty():
    assert labels(AssignmentStatus)(None) == ""


def test_csv_is_written_some_rows_at_a_time_with_formulas_quoted():
    rows = [["=1+1", n] for n in range(5)]

    chunks = list(csv_chunks(["Name", "N"], rows, rows_per_chunk=2))

    assert len(chunks) == 3
    assert list(csv.reader(io.StringIO("".join(chunks)))) == [
        ["Name", "N"],
        *(["'=1+1", str(n)] for n in range(5)),
    ]


def test_an_empty_list_is_its_headings():
    assert list(csv_chunks(["Name"], [], rows_per_chunk=2)) == ["Name\r\n"]


def building_forbidden(*models) -> ExitStack:
    """Return a context in which loading any of `models` from the database fails."""
    stack = ExitStack()
    for model in models:
        built = AssertionError(f"a {model.__name__} was built")
        stack.enter_context(mock.patch.object(model, "from_db", side_effect=built))
    return stack


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report", "params"),
    [("assignments", {}), ("overdue", {}), ("new_hires", {"days": 366})],
)
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_list_exports_build_no_model_objects(
    client,
    hr_a,
    people,  # noqa: F811
    report,
    params,
    export,
):
    client.force_login(hr_a)

    with building_forbidden(Person, StaffMember, Assignment):
        response = client.get(
            reverse(f"lms_report_{report}"), {"export": export, **params}
        )
        content = b"".join(response.streaming_content)

    assert response.status_code == 200
    if export == "csv":
        assert "Persona Pendiente" in content.decode("utf-8-sig")
