"""Read a trainer's list of participants, pasted or uploaded, into checked rows.

The file is read as the HR staff import reads its own (`lms.lib.spreadsheets`:
CSV in UTF-8 or Latin-1 with commas or semicolons, or XLSX), and problems
are reported the same way, by row and column. Only the document is required:
names and an email matter only for people the platform does not know yet,
which `lms.cohorts.roster.plan_participants` decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.imports.columns import header_positions, parse_document, parse_email
from lms.lib.spreadsheets import Cell, RowError, Sheet, SheetLimits, read_sheet
from lms.people.identity import (
    DocumentType,
    mask_document_number,
    normalise_document_number,
)

COLUMNS = ("dni", "tipo_documento", "nombres", "apellidos", "correo")
# A cohort holds at most 500 people (Cohort.capacity): a list is small, and
# twice that leaves room for blank lines and for saying the cohort is full.
PARTICIPANT_LIST = SheetLimits(
    bytes=2 * 1024 * 1024, unpacked_bytes=8 * 1024 * 1024, rows=1_000
)
# A list pasted without a header row is read in this order.
PASTED_COLUMNS = ("dni", "nombres", "apellidos", "correo")
NAME_MAX_LENGTH = 150
# What `tipo_documento` may say, in lower case without spaces or dots; the
# digits are SUNAT's codes. Empty means a DNI.
DOCUMENT_TYPES = {
    "": DocumentType.DNI,
    "dni": DocumentType.DNI,
    DocumentType.DNI.value: DocumentType.DNI,
    "ce": DocumentType.FOREIGNER_CARD,
    DocumentType.FOREIGNER_CARD.value: DocumentType.FOREIGNER_CARD,
}


@dataclass(frozen=True)
class ListedPerson:
    """One checked row of a participant list."""

    row: int
    document_type: str
    document_number: str
    first_names: str = ""
    last_names: str = ""
    email: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.document_type, self.document_number)

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_names}".strip()

    def masked_document(self) -> str:
        label = DocumentType(self.document_type).label
        return f"{label} {mask_document_number(self.document_number)}"

    def as_dict(self) -> dict:
        return asdict(self)


def read_pasted(text: str) -> Sheet:
    """Return pasted lines as a sheet; lines without a header get PASTED_COLUMNS."""
    # Cells copied from a spreadsheet arrive separated by tabs.
    text = text.replace("\t", ";")
    sheet = read_sheet(text.encode(), "list.csv", limits=PARTICIPANT_LIST)
    if {name.lower() for name in sheet.header} & set(COLUMNS):
        return sheet
    # The header goes first, written with the separator most lines use, since
    # the first line decides it; the rows keep the numbers of the lines pasted.
    separator = ";" if text.count(";") > text.count(",") else ","
    header = separator.join(PASTED_COLUMNS)
    sheet = read_sheet(
        f"{header}\n{text}".encode(), "list.csv", limits=PARTICIPANT_LIST
    )
    return Sheet(
        header=sheet.header, rows=[(number - 1, cells) for number, cells in sheet.rows]
    )


def parse_list(sheet: Sheet) -> tuple[list[ListedPerson], list[RowError]]:
    """Return the list's rows checked one by one, or every error found."""
    positions, errors = header_positions(
        sheet.header, columns=COLUMNS, required=("dni",)
    )
    if errors:
        return [], errors
    if not sheet.rows:
        return [], [RowError(None, "", _("The list has a header but no rows."))]
    people: list[ListedPerson] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        values = {
            column: cells[index] if index < len(cells) else None
            for column, index in positions.items()
        }
        person = _parse_row(number, values, errors)
        if person is None:
            continue
        if person.key in first_seen:
            message = _("This document is already in row %(row)s.") % {
                "row": first_seen[person.key]
            }
            errors.append(RowError(number, "dni", message))
            continue
        first_seen[person.key] = number
        people.append(person)
    return people, errors


def _parse_row(
    number: int, values: dict[str, Cell], errors: list[RowError]
) -> ListedPerson | None:
    """Return the row's person, or None after noting each bad cell in `errors`."""
    errors_before = len(errors)

    def check(column: str, parse: Callable[[Cell], object]) -> object:
        try:
            return parse(values.get(column))
        except ValidationError as error:
            errors.append(RowError(number, column, " ".join(error.messages)))
            return None

    document_type = check("tipo_documento", _document_type)
    document = check("dni", partial(_document, document_type=document_type))
    first_names = check("nombres", _name)
    last_names = check("apellidos", _name)
    email = check("correo", parse_email)
    if len(errors) > errors_before:
        return None
    return ListedPerson(number, *document, first_names, last_names, email)


def _document_type(value: Cell) -> str:
    key = re.sub(r"[\s.]", "", str(value or "")).lower()
    if key not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Unknown document type %(value)s: write DNI or CE.") % {"value": value}
        )
    return DOCUMENT_TYPES[key]


def _document(value: Cell, *, document_type: str | None) -> tuple[str, str]:
    """Return (type, number): a DNI, or a foreigner's card by type or by prefix."""
    if document_type != DocumentType.FOREIGNER_CARD:
        return parse_document(value)
    number = str(value or "").strip()
    if not number:
        raise ValidationError(_("The document number is required."))
    return document_type, normalise_document_number(document_type, number)


def _name(value: Cell) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > NAME_MAX_LENGTH:
        raise ValidationError(
            _("At most %(limit)s characters.") % {"limit": NAME_MAX_LENGTH}
        )
    return text
