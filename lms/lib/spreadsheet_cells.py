"""Cells of exported CSV and XLSX files, safe to open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`,
`-` or `@` (a tab or carriage return first too) as a formula, so a name
typed as `=HYPERLINK(...)` in a form would run on the computer of whoever
opens an export. Every export writes its text cells through `safe_cell`,
which does what OWASP advises: a leading apostrophe makes the cell text.
Numbers are left alone, so a negative figure stays a number.

Excel also reads a CSV as UTF-8 only when it starts with a byte-order mark;
without one, "Cajamarca – Jaén" opens as "Cajamarca â€“ JaÃ©n". Every CSV
export starts with `BOM`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from itertools import chain
from typing import Any

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


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
    """Make every admin export write safe cells, and its CSV open as UTF-8.

    Wagtail's reports and listings (the HR reports, the reach report, the
    site history, whose labels are names people typed) all export through
    `SpreadsheetExportMixin`; wrapping its two cell sources once covers them
    all, headings included (a requirement's name heads a column). A view
    that writes its own CSV rows (the HR lists) writes them with `CsvWriter`.
    """
    preprocess = SpreadsheetExportMixin.preprocess_field_value
    heading = SpreadsheetExportMixin.get_heading
    csv_response = SpreadsheetExportMixin.write_csv_response
    if getattr(preprocess, "writes_safe_cells", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        return safe_cell(preprocess(self, field, value, export_format))

    def get_heading(self, queryset, field):
        return safe_cell(heading(self, queryset, field))

    def write_csv_response(self, queryset):
        response = csv_response(self, queryset)
        response["Content-Type"] = CSV_CONTENT_TYPE
        # Before whatever stream_csv yields, a view's own (HR lists) included.
        response.streaming_content = chain([BOM], response.streaming_content)
        return response

    preprocess_field_value.writes_safe_cells = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
    SpreadsheetExportMixin.get_heading = get_heading
    SpreadsheetExportMixin.write_csv_response = write_csv_response
