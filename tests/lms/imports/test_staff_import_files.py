"""Reading HR's staff file: encodings, separators, XLSX, headers, each cell."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from lms.imports.changes import import_staff
from lms.models import Regime
from lms.people.identity import DocumentType
from lms.staff.scopes import MANAGE_ROLES, Scope, scope_for

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
ROSA = "41234567,Rosa Elena,Quispe Huamán,rosa@gob.pe,GRDS,Analista,CAS,02/03/2026,,no"
EVERYTHING = Scope(everything=True, paths=())

pytestmark = pytest.mark.usefixtures("english")


def csv_file(*lines: str, separator: str = ",") -> bytes:
    return "\n".join(line.replace(",", separator) for line in lines).encode()


def check(data: bytes, filename: str = "personal.csv", scope: Scope = EVERYTHING):
    return import_staff(
        data=data, filename=filename, scope=scope, today=date(2026, 4, 1), dry_run=True
    )


def errors_of(result) -> list[tuple[int | None, str]]:
    return [(error.row, error.column) for error in result.errors]


def only_row(result):
    assert result.errors == []
    [(row, person)] = result.plan.new
    return row


def test_a_well_formed_row_becomes_a_new_staff_member(units):
    row = only_row(check(csv_file(HEADER, ROSA)))
    assert (row.document_type, row.document_number) == (DocumentType.DNI, "41234567")
    assert (row.first_names, row.last_names) == ("Rosa Elena", "Quispe Huamán")
    assert row.unit == units["a"]
    assert row.regime == Regime.CAS
    assert row.hired_on == date(2026, 3, 2)
    assert row.left_on is None
    assert row.is_senior_official is False


def test_utf8_with_a_bom_is_read(units):
    data = "\n".join([HEADER, ROSA]).encode("utf-8-sig")
    assert only_row(check(data)).last_names == "Quispe Huamán"


def test_latin1_is_read(units):
    data = "\n".join([HEADER, ROSA.replace("Huamán", "Muñoz Núñez")]).encode("latin-1")
    assert only_row(check(data)).last_names == "Quispe Muñoz Núñez"


def test_windows_1252_is_read(units):
    data = "\n".join([HEADER, ROSA.replace("Huamán", "O’Higgins")]).encode("cp1252")
    assert only_row(check(data)).last_names == "Quispe O’Higgins"


def test_semicolons_as_spanish_excel_saves_them_are_read(units):
    data = csv_file(HEADER, ROSA, separator=";")
    assert only_row(check(data)).unit == units["a"]


def test_a_quoted_value_may_hold_the_separator(units):
    line = ROSA.replace("Analista", '"Analista, nivel II"')
    assert only_row(check(csv_file(HEADER, line))).post == "Analista, nivel II"


def test_headers_are_trimmed_and_compared_without_case(units):
    header = " DNI , Nombres,APELLIDOS" + HEADER.removeprefix("dni,nombres,apellidos")
    assert only_row(check(csv_file(header, ROSA))).first_names == "Rosa Elena"


def xlsx_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_is_read_with_date_cells_and_a_dni_typed_as_a_number(units):
    data = xlsx_file(
        [
            HEADER.split(","),
            [
                1234567,  # Excel drops the leading zero of 01234567
                "Rosa",
                "Quispe",
                None,
                "SGPE",
                "Analista",
                "D.Leg. 276",
                datetime(2026, 3, 2),
                date(2026, 9, 30),
                "Sí",
            ],
        ]
    )
    row = only_row(check(data, "personal.xlsx"))
    assert row.document_number == "01234567"
    assert row.unit == units["a1"]
    assert row.regime == Regime.DL276
    assert (row.hired_on, row.left_on) == (date(2026, 3, 2), date(2026, 9, 30))
    assert row.is_senior_official is True


def test_xlsx_rows_are_numbered_as_the_sheet_shows_them(units):
    data = xlsx_file(
        [HEADER.split(","), ROSA.split(","), [None] * 10, ["123"] + ROSA.split(",")[1:]]
    )
    assert errors_of(check(data, "personal.xlsx")) == [(4, "dni")]


def test_an_xls_file_is_refused_with_a_hint(units):
    [error] = check(b"\xd0\xcf\x11\xe0", "personal.xls").errors
    assert (error.row, error.column) == (None, "")
    assert ".xlsx" in error.message


def test_a_file_that_is_not_a_workbook_is_refused(units):
    [error] = check(b"dni,nombres\n", "personal.xlsx").errors
    assert "could not be read" in error.message


def test_another_file_type_is_refused(units):
    [error] = check(b"%PDF-1.7", "personal.pdf").errors
    assert "CSV or Excel" in error.message


@pytest.mark.parametrize("data", [b"", b"\n\n", "\ufeff".encode()])
def test_an_empty_file_is_an_error(units, data):
    [error] = check(data).errors
    assert (error.row, error.message) == (None, "The file is empty.")


def test_a_header_without_rows_is_an_error(units):
    [error] = check(csv_file(HEADER, ",,,")).errors
    assert error.message == "The file has a header but no rows."


def test_missing_and_unknown_columns_are_named(units):
    header = HEADER.replace("correo", "email").replace(",es_directivo", "")
    missing, unknown = check(csv_file(header, ROSA)).errors
    assert (missing.row, unknown.row) == (1, 1)
    assert missing.message == "Missing columns: correo, es_directivo."
    assert unknown.message.startswith("Unknown columns: email.")


def test_a_repeated_column_is_an_error(units):
    [error] = check(csv_file(HEADER + ",dni", ROSA + ",41234567")).errors
    assert error.message == "Repeated columns: dni."


@pytest.mark.parametrize(
    ("dni", "document"),
    [
        ("41234567", (DocumentType.DNI, "41234567")),
        ("41234567-5", (DocumentType.DNI, "41234567")),
        ("4123 4567", (DocumentType.DNI, "41234567")),
        ("CE 001234567", (DocumentType.FOREIGNER_CARD, "001234567")),
        ("ce-X12345678", (DocumentType.FOREIGNER_CARD, "X12345678")),
    ],
)
def test_accepted_document_numbers(units, dni, document):
    row = only_row(check(csv_file(HEADER, ROSA.replace("41234567", dni))))
    assert (row.document_type, row.document_number) == document


@pytest.mark.parametrize("dni", ["4123456A", "412345678", "", "CE 12"])
def test_a_bad_dni_is_an_error_on_its_cell(units, dni):
    result = check(csv_file(HEADER, ROSA, ROSA.replace("41234567", dni)))
    assert errors_of(result) == [(3, "dni")]


def test_a_seven_digit_dni_in_a_csv_warns_of_a_lost_leading_zero(units):
    [error] = check(csv_file(HEADER, ROSA.replace("41234567", "1234567"))).errors
    assert (error.row, error.column) == (2, "dni")
    assert "leading zero" in error.message


def test_a_dni_repeated_in_the_file_is_an_error_naming_the_first_row(units):
    data = csv_file(HEADER, ROSA, ROSA.replace("41234567", "42345678"), ROSA)
    [error] = check(data).errors
    assert (error.row, error.column) == (4, "dni")
    assert error.message == "This document is already in row 2."


def test_an_unknown_unit_code_is_an_error(units):
    [error] = check(csv_file(HEADER, ROSA.replace("GRDS", "XYZ"))).errors
    assert (error.row, error.column) == (2, "codigo_unidad")
    assert error.message == "There is no unit with code XYZ."


def test_unit_codes_are_compared_without_case(units):
    assert (
        only_row(check(csv_file(HEADER, ROSA.replace("GRDS", "grds")))).unit
        == (units["a"])
    )


def test_a_unit_outside_the_hr_officers_scope_is_an_error(units, hr_b):
    scope = scope_for(hr_b, MANAGE_ROLES)
    [error] = check(csv_file(HEADER, ROSA), scope=scope).errors
    assert (error.row, error.column) == (2, "codigo_unidad")
    assert error.message == "Unit GRDS is outside the units you manage."


def test_an_hr_officer_may_import_into_units_under_theirs(units, hr_a):
    data = csv_file(HEADER, ROSA.replace("GRDS", "SGPE"))
    assert (
        only_row(check(data, scope=scope_for(hr_a, MANAGE_ROLES))).unit == units["a1"]
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("02/03/2026", date(2026, 3, 2)),
        ("2/3/2026", date(2026, 3, 2)),
        ("2026-03-02", date(2026, 3, 2)),
        ("29/02/2028", date(2028, 2, 29)),
    ],
)
def test_dates_are_read_as_dd_mm_yyyy_or_iso(units, written, expected):
    row = only_row(check(csv_file(HEADER, ROSA.replace("02/03/2026", written))))
    assert row.hired_on == expected


@pytest.mark.parametrize("written", ["31/02/2026", "29/02/2027", "2026-13-01"])
def test_an_impossible_date_is_an_error(units, written):
    [error] = check(csv_file(HEADER, ROSA.replace("02/03/2026", written))).errors
    assert (error.row, error.column) == (2, "fecha_ingreso")
    assert error.message == f"{written} is not a valid date."


@pytest.mark.parametrize("written", ["03-02-2026", "marzo 2026", "02/03/26"])
def test_a_date_in_another_format_is_an_error_showing_the_formats(units, written):
    [error] = check(csv_file(HEADER, ROSA.replace("02/03/2026", written))).errors
    assert "dd/mm/aaaa" in error.message


def test_a_hire_date_is_required(units):
    assert errors_of(check(csv_file(HEADER, ROSA.replace("02/03/2026", "")))) == [
        (2, "fecha_ingreso")
    ]


def test_an_end_date_before_the_hire_date_is_an_error(units):
    line = ROSA.replace("02/03/2026,", "02/03/2026,01/03/2026")
    assert errors_of(check(csv_file(HEADER, line))) == [(2, "fecha_cese")]


@pytest.mark.parametrize(
    ("written", "regime"),
    [
        ("276", Regime.DL276),
        ("D.Leg. 276", Regime.DL276),
        ("DL276", Regime.DL276),
        ("728", Regime.DL728),
        ("cas", Regime.CAS),
        ("CAS D.Leg. 1057", Regime.CAS),
        ("1057", Regime.CAS),
        ("30057", Regime.LSC),
        ("Ley 30057", Regime.LSC),
        ("SERVIR", Regime.LSC),
        ("Servicio Civil", Regime.LSC),
        ("Practicante", Regime.TRAINEE),
        ("PRACT", Regime.TRAINEE),
        ("Otro", Regime.OTHER),
    ],
)
def test_regimes_are_read_from_common_spellings(units, written, regime):
    row = only_row(check(csv_file(HEADER, ROSA.replace(",CAS,", f",{written},"))))
    assert row.regime == regime


def test_an_unknown_regime_lists_the_accepted_ones(units):
    [error] = check(csv_file(HEADER, ROSA.replace(",CAS,", ",locador,"))).errors
    assert error.column == "regimen"
    assert "Ley 30057" in error.message and "practicante" in error.message


@pytest.mark.parametrize(
    ("written", "flag"),
    [("sí", True), ("SI", True), ("s", True), ("1", True), ("x", True)]
    + [("no", False), ("N", False), ("0", False), ("", False), ("false", False)],
)
def test_the_senior_official_flag_is_read_from_yes_and_no(units, written, flag):
    row = only_row(check(csv_file(HEADER, ROSA.removesuffix("no") + written)))
    assert row.is_senior_official is flag


def test_an_unclear_senior_official_flag_is_an_error(units):
    assert errors_of(check(csv_file(HEADER, ROSA.removesuffix("no") + "quizá"))) == [
        (2, "es_directivo")
    ]


def test_a_bad_email_is_an_error_and_an_empty_one_is_accepted(units):
    other = ROSA.replace("41234567", "42345678").replace("rosa@gob.pe", "")
    result = check(csv_file(HEADER, ROSA.replace("rosa@gob.pe", "rosa@"), other))
    assert errors_of(result) == [(2, "correo")]


def test_names_are_required(units):
    line = ROSA.replace("Rosa Elena,Quispe Huamán", ",")
    assert errors_of(check(csv_file(HEADER, line))) == [
        (2, "nombres"),
        (2, "apellidos"),
    ]


def test_a_row_with_more_cells_than_the_header_is_an_error(units):
    line = ROSA.replace("Analista", "Analista, nivel II")
    result = check(csv_file(HEADER, line))
    assert (2, "") in errors_of(result)


def test_every_error_of_the_file_is_reported_at_once(units):
    data = csv_file(
        HEADER,
        ROSA.replace("41234567", "123"),
        ROSA.replace("41234567", "42345678").replace("GRDS", "NOPE"),
        ROSA.replace("41234567", "43456789").replace("02/03/2026", "30/02/2026"),
    )
    assert errors_of(check(data)) == [
        (2, "dni"),
        (3, "codigo_unidad"),
        (4, "fecha_ingreso"),
    ]
