"""HR's staff file: its columns, and how each cell is read into a checked row."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from courses.dates import validate_plausible_date
from lms.lib.spreadsheets import Cell, RowError, Sheet, SheetLimits
from lms.people.identity import (
    DocumentType,
    mask_document_number,
    normalise_document_number,
)
from lms.staff.models import Organisation, Regime
from lms.staff.scopes import Scope

COLUMNS = (
    "dni",
    "nombres",
    "apellidos",
    "correo",
    "codigo_unidad",
    "cargo",
    "regimen",
    "fecha_ingreso",
    "fecha_cese",
    "es_directivo",
)


# May be left out: the day a change of unit, regime or senior post took
# effect. Without it, the day of the import counts.
OPTIONAL_COLUMNS = ("fecha_movimiento",)


# A regional government's whole payroll, teachers included, runs to tens of
# thousands of people; 50,000 rows (about 30 MB of sheet XML) covers it and
# still reads in seconds, where a crafted million-row file would take minutes.
STAFF_FILE = SheetLimits(
    bytes=10 * 1024 * 1024, unpacked_bytes=64 * 1024 * 1024, rows=50_000
)


@dataclass(slots=True)
class StaffRow:
    """One checked row of the file: a person and their job as HR records it."""

    row: int
    document_type: str
    document_number: str
    first_names: str
    last_names: str
    email: str
    unit: Organisation
    post: str
    regime: str
    hired_on: date
    left_on: date | None
    is_senior_official: bool
    moved_on: date | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.document_type, self.document_number)

    @property
    def regime_label(self) -> str:
        return Regime(self.regime).label

    def masked_document(self) -> str:
        label = DocumentType(self.document_type).label
        return f"{label} {mask_document_number(self.document_number)}"


# Keys are written as `_key` normalises them: lower case, no accents, letters
# and digits only. Numbers are those of the regime's law.
REGIME_NUMBERS = {
    "276": Regime.DL276,
    "728": Regime.DL728,
    "1057": Regime.CAS,
    "30057": Regime.LSC,
    "1401": Regime.TRAINEE,
}


REGIME_WORDS = {
    **{code.lower(): code for code in Regime.values},
    "cas": Regime.CAS,
    "servir": Regime.LSC,
    "serviciocivil": Regime.LSC,
    "practicante": Regime.TRAINEE,
    "practicantes": Regime.TRAINEE,
    "practicas": Regime.TRAINEE,
    "modalidadformativa": Regime.TRAINEE,
    "otro": Regime.OTHER,
    "otros": Regime.OTHER,
}


REGIME_SPELLINGS = (
    "276, D.Leg. 276, 728, CAS, 1057, 30057, Ley 30057, SERVIR, practicante, otro"
)


YES = {"si", "s", "1", "x", "true", "verdadero", "yes"}


NO = {"", "no", "n", "0", "false", "falso"}


DATE_PATTERNS = (
    re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$"),
)


FOREIGNER_CARD_PREFIX = re.compile(r"^CE[\s.:-]*", re.IGNORECASE)


def parse_sheet(sheet: Sheet, *, scope: Scope) -> tuple[list[StaffRow], list[RowError]]:
    """Return the file's rows checked one by one, or every error found."""
    positions, errors = header_positions(
        sheet.header, columns=COLUMNS + OPTIONAL_COLUMNS, required=COLUMNS
    )
    if errors:
        return [], errors
    if not sheet.rows:
        return [], [RowError(None, "", _("The file has a header but no rows."))]
    units = {unit.code.upper(): unit for unit in Organisation.objects.all()}
    parser = _RowParser(units=units, scope=scope)
    rows: list[StaffRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    for number, cells in sheet.rows:
        values = {column: _cell(cells, index) for column, index in positions.items()}
        for column in OPTIONAL_COLUMNS:
            values.setdefault(column, None)
        extra = any(cell not in (None, "") for cell in cells[len(sheet.header) :])
        row = parser.parse(number, values, extra=extra)
        if row is None:
            continue
        if row.key in first_seen:
            message = _("This document is already in row %(row)s.") % {
                "row": first_seen[row.key]
            }
            parser.errors.append(RowError(number, "dni", message))
            continue
        first_seen[row.key] = number
        rows.append(row)
    return rows, parser.errors


def header_positions(
    header: list[str], *, columns: Sequence[str], required: Sequence[str]
) -> tuple[dict[str, int], list[RowError]]:
    """Return where each column is in the header row, and what is wrong with it."""
    names = [name.strip().lower() for name in header]
    positions = {name: index for index, name in enumerate(names) if name}
    missing = [column for column in required if column not in positions]
    unknown = [name for name in positions if name not in columns]
    errors = []
    if missing:
        message = _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}
        errors.append(RowError(1, "", message))
    if unknown:
        message = _("Unknown columns: %(columns)s. The columns are: %(expected)s.") % {
            "columns": ", ".join(unknown),
            "expected": ", ".join(columns),
        }
        errors.append(RowError(1, "", message))
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    if repeated:
        message = _("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)}
        errors.append(RowError(1, "", message))
    return positions, errors


def _cell(cells: tuple[Cell, ...], index: int) -> Cell:
    value = cells[index] if index < len(cells) else None
    return value.strip() if isinstance(value, str) else value


class _RowParser:
    """Turn one row's cells into a StaffRow, noting each bad cell."""

    def __init__(self, *, units: dict[str, Organisation], scope: Scope) -> None:
        self.units = units
        self.scope = scope
        self.errors: list[RowError] = []

    def parse(
        self, number: int, values: dict[str, Cell], *, extra: bool
    ) -> StaffRow | None:
        errors_before = len(self.errors)
        if extra:
            self.errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "This row has more cells than the header; a value may "
                        "hold an unquoted separator."
                    ),
                )
            )

        def check(column: str, parse: Callable[[Cell], object]) -> object:
            try:
                return parse(values[column])
            except ValidationError as error:
                self.errors.append(RowError(number, column, " ".join(error.messages)))
                return None

        document = check("dni", parse_document)
        first_names = check("nombres", _text_parser(150, required=True))
        last_names = check("apellidos", _text_parser(150, required=True))
        email = check("correo", parse_email)
        unit = check("codigo_unidad", self._unit)
        post = check("cargo", _text_parser(150))
        regime = check("regimen", parse_regime)
        hired_on = check("fecha_ingreso", _date_parser(required=True))
        left_on = check("fecha_cese", _date_parser(required=False))
        senior = check("es_directivo", parse_flag)
        moved_on = check("fecha_movimiento", _date_parser(required=False))
        if hired_on and left_on and left_on < hired_on:
            message = _("The end date is before the hire date.")
            self.errors.append(RowError(number, "fecha_cese", message))
        if len(self.errors) > errors_before:
            return None
        return StaffRow(
            number,
            *document,
            first_names,
            last_names,
            email,
            unit,
            post,
            regime,
            hired_on,
            left_on,
            senior,
            moved_on,
        )

    def _unit(self, value: Cell) -> Organisation:
        code = _text(value).upper()
        if not code:
            raise ValidationError(_("The unit code is required."))
        unit = self.units.get(code)
        if unit is None:
            raise ValidationError(
                _("There is no unit with code %(code)s.") % {"code": code}
            )
        if not self.scope.covers(unit):
            raise ValidationError(
                _("Unit %(code)s is outside the units you manage.") % {"code": code}
            )
        return unit


def parse_document(value: Cell) -> tuple[str, str]:
    """Return (document type, number) for a DNI or a "CE"-prefixed foreigner's card."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Excel stores a DNI typed as a number and drops its leading zero.
        digits = str(int(value))
        number = f"0{digits}" if len(digits) == 7 else digits
        return DocumentType.DNI, normalise_document_number(DocumentType.DNI, number)
    text = _text(value)
    if not text:
        raise ValidationError(_("The DNI is required."))
    if FOREIGNER_CARD_PREFIX.match(text):
        number = FOREIGNER_CARD_PREFIX.sub("", text)
        return DocumentType.FOREIGNER_CARD, normalise_document_number(
            DocumentType.FOREIGNER_CARD, number
        )
    if re.fullmatch(r"\d{7}", text):
        raise ValidationError(
            _(
                "A DNI has 8 digits and this one has 7: the leading zero may "
                "have been lost (format the column as text)."
            )
        )
    return DocumentType.DNI, normalise_document_number(DocumentType.DNI, text)


def _text_parser(max_length: int, *, required: bool = False) -> Callable[[Cell], str]:
    def parse(value: Cell) -> str:
        text = _text(value)
        if required and not text:
            raise ValidationError(_("This value is required."))
        if len(text) > max_length:
            raise ValidationError(
                _("At most %(limit)s characters.") % {"limit": max_length}
            )
        return text

    return parse


def parse_email(value: Cell) -> str:
    email = _text(value)
    if email:
        validate_email(email)
    return email


def parse_regime(value: Cell) -> str:
    """Return the Regime code for a code, a law number or a common name."""
    key = _key(_text(value))
    digits = re.sub(r"\D", "", key)
    regime = REGIME_NUMBERS.get(digits) if digits else REGIME_WORDS.get(key)
    if regime is None:
        raise ValidationError(
            _("Unknown regime %(value)s. Write one of: %(accepted)s.")
            % {"value": _text(value) or "—", "accepted": REGIME_SPELLINGS}
        )
    return regime


def parse_flag(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    key = _key(_text(value))
    if key in YES or key in NO:
        return key in YES
    raise ValidationError(_("Write sí or no (empty means no)."))


def _date_parser(*, required: bool) -> Callable[[Cell], date | None]:
    def parse(value: Cell) -> date | None:
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date):
            validate_plausible_date(value)
            return value
        text = _text(value)
        if not text:
            if required:
                raise ValidationError(_("The date is required."))
            return None
        return parse_date(text)

    return parse


def parse_date(text: str) -> date:
    """Return the date written as dd/mm/aaaa or aaaa-mm-dd, if plausible."""
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                day = date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                raise ValidationError(
                    _("%(value)s is not a valid date.") % {"value": text}
                ) from None
            validate_plausible_date(day)
            return day
    raise ValidationError(
        _("Write the date as dd/mm/aaaa or aaaa-mm-dd, not %(value)s.")
        % {"value": text}
    )


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _key(text: str) -> str:
    """Return `text` in lower case without accents, keeping letters and digits."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())
