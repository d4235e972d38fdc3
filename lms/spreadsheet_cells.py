"""Cells of exported CSV and XLSX files, safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
`-` or `@` (a tab or carriage return first too) as a formula, so a name
typed as `=HYPERLINK(...)` in a form would run on the computer of whoever
opens an export. Every export writes its text cells through `safe_cell`,
which does what OWASP advises: a leading apostrophe makes the cell text.
Numbers are left alone, so a negative figure stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Return `value`, its text quoted if a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class CsvWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow(safe_cell(cell) for cell in row)


def protect_wagtail_exports() -> None:
    """Make every admin listing's CSV and XLSX export write safe cells.

    Wagtail's reports and listings (the HR reports, the reach report, the
    site history, whose labels are names people typed) all export through
    `SpreadsheetExportMixin`; wrapping its two cell sources once covers them
    all, headings included (a requirement's name heads a column).
    """
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    heading = SpreadsheetExportMixin.get_heading
    if getattr(preprocess, "writes_safe_cells", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(preprocess(self, field, value, export_format))

    def get_heading(self, queryset, field):
        return safe_cell(heading(self, queryset, field))

    preprocess_field_value.writes_safe_cells = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin.get_heading = get_heading
