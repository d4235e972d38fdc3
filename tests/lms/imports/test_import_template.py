"""The staff file's template: a header and one example row, CSV or Excel."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from lms.imports.changes import import_staff
from lms.imports.columns import COLUMNS
from lms.staff.scopes import scope_for
from tests.admin_helpers import is_denied, signed_in

pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db]


def download(client, extension: str):
    return client.get(reverse("lms_staff_import_template", args=[extension]))


def test_the_csv_template_opens_in_excel_with_its_accents(client, hr_a):
    response = download(signed_in(client, hr_a), "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="plantilla-personal.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    header, example = response.content.decode("utf-8-sig").splitlines()
    assert header.split(",")[: len(COLUMNS)] == list(COLUMNS)
    assert "Saucedo Bazán" in example


def test_the_excel_template_keeps_the_document_as_text(client, hr_a):
    response = download(signed_in(client, hr_a), "xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[: len(COLUMNS)] == list(COLUMNS)
    assert sheet["A2"].value == "48251736"
    assert sheet.column_dimensions["A"].number_format == "@"


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_imports_as_it_comes(units, hr_a, extension, client):
    """HR who uploads the template untouched sees one new person, no error."""
    units["a"].code = "GRDS"  # the example row's unit
    units["a"].save()
    data = download(signed_in(client, hr_a), extension).content
    result = import_staff(
        data=data,
        filename=f"plantilla.{extension}",
        scope=scope_for(hr_a),
        today=date(2026, 5, 4),
        dry_run=True,
    )
    assert result.errors == []
    assert result.created == 1


def test_the_upload_page_links_to_both_templates(client, hr_a):
    html = signed_in(client, hr_a).get(reverse("lms_staff_import")).content.decode()
    for extension in ("csv", "xlsx"):
        assert reverse("lms_staff_import_template", args=[extension]) in html


def test_those_who_may_not_import_get_no_template(client, unit_head_a, learner):
    assert is_denied(download(signed_in(client, unit_head_a), "csv"))
    client.force_login(learner)
    assert download(client, "csv").status_code == 302


def test_an_unknown_format_is_not_found(client, hr_a):
    assert download(signed_in(client, hr_a), "xls").status_code == 404
