"""Read a spreadsheet (CSV or XLSX) safely: bounded in size, rows and columns."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# A cell as read: text from a CSV; text, number, date or boolean from a sheet.
Cell = str | int | float | bool | date | None


# Tried in order: Excel's "CSV UTF-8" writes a BOM, plain UTF-8 has none, and
# older Spanish Excel and LibreOffice save in Windows-1252; Latin-1 decodes
# any byte, so the last one never fails.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


EXTENSIONS = (".csv", ".xlsx")


# The staff file has 10 columns and a participant list 5; more columns are
# a mistake or a crafted file, whose rows would each hold thousands of cells.
MAX_COLUMNS = 30


# The longest line a real file has: 10 cells of at most 150 characters.
MAX_LINE_CHARACTERS = 4000


# An .xlsx is a zip of XML: real sheets shrink about 15 times, a zip bomb
# hundreds or thousands of times; and a workbook has about ten members.
MAX_COMPRESSION_RATIO = 100


MAX_ZIP_MEMBERS = 100


@dataclass(frozen=True)
class SheetLimits:
    """The most a file may hold, checked before it is read (rows count blank ones)."""

    bytes: int
    unpacked_bytes: int
    rows: int


class SpreadsheetError(Exception):
    """The file as a whole cannot be read; the message says why."""


@dataclass(frozen=True)
class Sheet:
    """The header cells, then each non-empty row with its number as shown."""

    header: list[str]
    rows: list[tuple[int, tuple[Cell, ...]]]


def read_sheet(data: bytes, filename: str, *, limits: SheetLimits) -> Sheet:
    """Return the first sheet of an .xlsx file or the rows of a .csv file.

    A file beyond `limits` is refused before its rows are read.
    """
    if len(data) > limits.bytes:
        raise SpreadsheetError(
            _("The file is %(size)s; files up to %(limit)s can be read.")
            % {
                "size": filesizeformat(len(data)),
                "limit": filesizeformat(limits.bytes),
            }
        )
    extension = PurePath(filename).suffix.lower()
    if extension == ".xlsx":
        return _sheet(_xlsx_rows(data, limits))
    if extension == ".csv":
        return _sheet(_bounded(_csv_rows(data), limits))
    if extension == ".xls":
        raise SpreadsheetError(
            _("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV.")
        )
    raise SpreadsheetError(_("Upload a CSV or Excel (.xlsx) file."))


def _sheet(rows: Iterable[tuple[Cell, ...]]) -> Sheet:
    numbered = enumerate(rows, start=1)
    for _number, header in numbered:
        if not _is_blank(header):
            break
    else:
        raise SpreadsheetError(_("The file is empty."))
    # Excel and LibreOffice leave formatted but empty rows at the end.
    body = [(number, row) for number, row in numbered if not _is_blank(row)]
    return Sheet(header=[str(cell or "").strip() for cell in header], rows=body)


def _is_blank(row: tuple[Cell, ...]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _bounded(
    rows: Iterable[tuple[Cell, ...]], limits: SheetLimits
) -> Iterator[tuple[Cell, ...]]:
    """Yield the rows without trailing empty cells; refuse too many rows or cells."""
    for number, row in enumerate(rows, start=1):
        if number > limits.rows:
            raise _too_many_rows(limits)
        while row and row[-1] is None:
            row = row[:-1]
        if len(row) > MAX_COLUMNS:
            raise _too_many_columns()
        yield row


def _too_many_rows(limits: SheetLimits) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "The file has more than %(limit)s rows (formatted empty rows count "
            "too): delete the empty rows or split the file."
        )
        % {"limit": number_format(limits.rows, force_grouping=True)}
    )


def _too_many_columns() -> SpreadsheetError:
    return SpreadsheetError(
        _("The file has more than %(limit)s columns: delete the extra columns.")
        % {"limit": MAX_COLUMNS}
    )


def _csv_rows(data: bytes) -> Iterator[tuple[str, ...]]:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            _("The file is not a CSV text file; save it as CSV or .xlsx.")
        )
    text = _decode(data)
    if max(map(len, re.split(r"[\r\n]", text))) > MAX_LINE_CHARACTERS:
        raise SpreadsheetError(
            _("A line has more than %(limit)s characters: this is not a list.")
            % {"limit": number_format(MAX_LINE_CHARACTERS, force_grouping=True)}
        )
    first_line = text.split("\n", 1)[0]
    # Excel in Spanish (and other locales that write decimal commas) saves
    # CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        for row in csv.reader(io.StringIO(text), delimiter=delimiter):
            yield tuple(row)
    except csv.Error as error:
        raise SpreadsheetError(
            _("The file could not be read as CSV; save it again as CSV or .xlsx.")
        ) from error


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("Latin-1 decodes every byte")  # pragma: no cover


def _xlsx_rows(data: bytes, limits: SheetLimits) -> list[tuple[Cell, ...]]:
    try:
        _check_archive(zipfile.ZipFile(io.BytesIO(data)), limits)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise SpreadsheetError(
            _("The file could not be read as an Excel (.xlsx) workbook.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared size, checked before openpyxl pads every row
        # up to it with empty cells.
        if (sheet.max_row or 0) > limits.rows:
            raise _too_many_rows(limits)
        if (sheet.max_column or 0) > MAX_COLUMNS:
            raise _too_many_columns()
        rows = sheet.iter_rows(
            max_col=sheet.max_column or MAX_COLUMNS + 1, values_only=True
        )
        return list(_bounded(rows, limits))
    finally:
        workbook.close()


def _check_archive(archive: zipfile.ZipFile, limits: SheetLimits) -> None:
    """Refuse a zip that unpacks to too much, before any of it is unpacked."""
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if (
        len(members) > MAX_ZIP_MEMBERS
        or unpacked > limits.unpacked_bytes
        or unpacked > MAX_COMPRESSION_RATIO * max(packed, 1)
    ):
        raise SpreadsheetError(
            _(
                "The Excel file unpacks to more than %(limit)s or is compressed "
                "unusually; save it as CSV, or split it."
            )
            % {"limit": filesizeformat(limits.unpacked_bytes)}
        )


@dataclass(frozen=True)
class RowError:
    """A problem with one cell (or, with no row, with the whole file)."""

    row: int | None
    column: str
    message: str
