"""The sheet of every admin XLSX export is named after its listing, in Spanish.

Wagtail (8.0) names it "Sheet1", in English whatever the language, and HR
opens several exports side by side.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from wagtail.admin.views.mixins import ExcelDateFormatter, SpreadsheetExportMixin

# Excel refuses these characters in a sheet's name, and names past 31 characters.
FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_LENGTH = 31


def sheet_name(title: str) -> str:
    """Return `title` as Excel accepts a sheet's name, or "Datos" if empty."""
    name = FORBIDDEN.sub(" ", str(title)).strip()[:MAX_LENGTH].strip()
    return name or _("Data")


def write_xlsx(self, queryset, output) -> None:
    """Wagtail's `SpreadsheetExportMixin.write_xlsx`, but for the sheet's name."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True, iso_dates=True)
    title = self.get_page_title() if hasattr(self, "get_page_title") else ""
    worksheet = workbook.create_sheet(title=sheet_name(title))
    worksheet.append(self.get_heading(queryset, field) for field in self.list_export)
    date_format = ExcelDateFormatter().get()
    for item in queryset:
        worksheet.append(
            self.generate_xlsx_row(
                worksheet, self.to_row_dict(item), date_format=date_format
            )
        )
    workbook.save(output)


def name_wagtail_sheets() -> None:
    """Give every admin listing's XLSX export a named sheet."""
    SpreadsheetExportMixin.write_xlsx = write_xlsx
