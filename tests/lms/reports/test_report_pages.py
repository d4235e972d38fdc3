"""HR reports and exports as HR reads them: regimes named, Excel-ready CSV, phones."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from lms.models import Assignment, Person, Regime
from tests.admin_helpers import signed_in
from tests.factories import StaffMemberFactory

LIST_REPORTS = ["overdue", "new_hires", "assignments"]

pytestmark = [pytest.mark.usefixtures("english", "lima_noon"), pytest.mark.django_db]


@pytest.fixture
def late(units, induction):
    """Someone in unit A of a name with accents and a formula-like post."""
    person = Person.objects.create(
        document_number="41111111", first_names="Begoña", last_names="Jaén Ñique"
    )
    staff = StaffMemberFactory(
        person=person,
        unit=units["a"],
        regime=Regime.DL276,
        post="=HYPERLINK(1)",
        hired_on=date(2026, 4, 20),
    )
    Assignment.objects.create(
        staff=staff, requirement=induction, due_on=date(2026, 5, 1)
    )
    return staff


def report(client, name: str, **params):
    return client.get(reverse(f"lms_report_{name}"), params)


@pytest.mark.parametrize("name", LIST_REPORTS)
def test_reports_name_the_regime_not_its_code(client, hr_a, late, name):
    html = report(signed_in(client, hr_a), name).content.decode()
    assert "Jaén Ñique" in html
    assert str(Regime.DL276.label) in html
    assert ">DL276<" not in html.replace(" ", "").replace("\n", "")


@pytest.mark.parametrize("name", [*LIST_REPORTS, "completion"])
def test_report_tables_scroll_inside_their_box_on_a_phone(client, hr_a, late, name):
    html = report(signed_in(client, hr_a), name).content.decode()
    box = html.split('class="lms-table-scroll"', 1)[1]
    assert "<table" in box.split("</div>")[0] or "<table" in box


@pytest.mark.parametrize("name", [*LIST_REPORTS, "completion"])
def test_csv_exports_start_with_a_bom_and_keep_accents(client, hr_a, late, name):
    response = report(signed_in(client, hr_a), name, export="csv")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert content.startswith(b"\xef\xbb\xbf")
    assert not content[3:].startswith(b"\xef\xbb\xbf")  # one mark, not one per row
    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] in ("Name", "Unit code")
    if name != "completion":
        assert "Begoña Jaén Ñique" in text
        assert "'=HYPERLINK(1)" in text  # still defused against formulas


def test_the_xlsx_export_has_no_bom(client, hr_a, late):
    response = report(signed_in(client, hr_a), "overdue", export="xlsx")
    assert b"".join(response.streaming_content).startswith(b"PK")
