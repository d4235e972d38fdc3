"""Admin XLSX exports name their sheet after the listing, not "Sheet1"."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext

from lms.lib.sheet_names import sheet_name


def test_a_sheet_name_keeps_what_excel_accepts():
    assert sheet_name("Cumplimiento por unidad") == "Cumplimiento por unidad"
    assert sheet_name("Alcance: provincias / formadores [2026]") == (
        "Alcance  provincias   formadore"
    )
    assert sheet_name("") == "Datos"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("report", "title"),
    [
        ("overdue", "Overdue training"),
        ("completion", "Training completion by unit"),
        ("new_hires", "New hires"),
        ("assignments", "Training assignments"),
    ],
)
def test_hr_exports_name_their_sheet_after_the_report_in_spanish(
    client, hr_a, report, title
):
    client.force_login(hr_a)
    response = client.get(reverse(f"lms_report_{report}"), {"export": "xlsx"})
    content = b"".join(response.streaming_content)
    [name] = openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    assert name == sheet_name(gettext(title)) != sheet_name(title)
