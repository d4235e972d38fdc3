"""The staff file HR starts from: the expected header and one example row.

Both formats are read back by the import exactly as HR would fill them in,
so the template itself imports cleanly (tests/lms/imports/test_import_template.py).
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from lms.imports.columns import COLUMNS, OPTIONAL_COLUMNS
from lms.lib.spreadsheet_cells import BOM, CsvWriter, safe_cell

HEADER = (*COLUMNS, *OPTIONAL_COLUMNS)
# Someone who is in no demo data, so importing the template as it comes
# creates no double of a demo person.
EXAMPLE = {
    "dni": "48251736",
    "nombres": "Juana Beatriz",
    "apellidos": "Saucedo Bazán",
    "correo": "jsaucedo@regioncajamarca.gob.pe",
    "codigo_unidad": "GRDS",
    "cargo": "Asistente administrativa",
    "regimen": "CAS",
    "fecha_ingreso": date(2026, 3, 2),
    "fecha_cese": None,
    "es_directivo": "no",
    "fecha_movimiento": None,
}
FILENAME = "plantilla-personal"
FORMATS = {
    "dni": "@",
    "fecha_ingreso": "DD/MM/YYYY",
    "fecha_cese": "DD/MM/YYYY",
    "fecha_movimiento": "DD/MM/YYYY",
}


def _text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def template_csv() -> bytes:
    """Return the template as a UTF-8 CSV with a byte-order mark, for Excel."""
    stream = io.StringIO()
    stream.write(BOM)
    writer = CsvWriter(stream)
    writer.writerow(HEADER)
    writer.writerow(_text(EXAMPLE[column]) for column in HEADER)
    return stream.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """Return the template as a workbook whose document column is text.

    As text, a DNI keeps its leading zeros ("07654321") when HR types it.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Personal"
    sheet.append(HEADER)
    sheet.append([safe_cell(EXAMPLE[column]) for column in HEADER])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, column in enumerate(HEADER, start=1):
        letter = sheet.cell(row=1, column=number).column_letter
        width = sheet.column_dimensions[letter]
        width.width = max(len(column), 14) + 2
        # Rows HR adds below take the column's format, the example row its own.
        number_format = FORMATS.get(column)
        if number_format:
            width.number_format = number_format
            sheet.cell(row=2, column=number).number_format = number_format
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
