"""Reading a trainer's participant list, pasted or uploaded, into checked rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from lms.cohorts.participant_lists import (
    PARTICIPANT_LIST,
    ListedPerson,
    parse_list,
    read_pasted,
)
from lms.lib.spreadsheets import SpreadsheetError, read_sheet
from lms.people.identity import DocumentType


def parsed(text: str) -> tuple[list[ListedPerson], list[tuple]]:
    people, errors = parse_list(read_pasted(text))
    return people, [(error.row, error.column) for error in errors]


def xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_pasted_column_of_dnis_needs_no_header():
    people, errors = parsed("45678901\n\n45678902\n")
    assert errors == []
    assert [(p.row, p.document_number) for p in people] == [
        (1, "45678901"),
        (3, "45678902"),
    ]


def test_pasted_lines_without_header_read_dni_names_and_email_in_order():
    people, errors = parsed("45678901\n45678902;Rosa Elena;Quispe Huamán;rosa@x.pe")
    assert errors == []
    assert people[1] == ListedPerson(
        row=2,
        document_type=DocumentType.DNI,
        document_number="45678902",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
        email="rosa@x.pe",
    )


def test_cells_copied_from_a_spreadsheet_are_split_on_tabs():
    people, errors = parsed(
        "dni\tnombres\tapellidos\tcorreo\n45678901\tAna\tRuiz\ta@x.pe"
    )
    assert errors == []
    assert (people[0].first_names, people[0].email) == ("Ana", "a@x.pe")


def test_a_header_may_name_the_columns_in_any_order():
    people, errors = parsed("correo,dni\na@x.pe,45678901")
    assert errors == []
    assert (people[0].document_number, people[0].email) == ("45678901", "a@x.pe")


def test_bad_documents_and_emails_are_reported_by_row_and_column():
    _people, errors = parsed(
        "dni,nombres,apellidos,correo\n"
        "4567890,Ana,Ruiz,a@x.pe\n"
        "ABC12345,Ana,Ruiz,a@x.pe\n"
        "45678901,Ana,Ruiz,no-es-correo\n"
    )
    assert errors == [(2, "dni"), (3, "dni"), (4, "correo")]


def test_a_document_listed_twice_is_an_error_on_the_second_row(english):
    people, errors = parse_list(read_pasted("45678901\n45678902\n45678901-5"))
    assert [p.row for p in people] == [1, 2]
    assert [(e.row, e.column, e.message) for e in errors] == [
        (3, "dni", "This document is already in row 1.")
    ]


def test_a_foreigners_card_is_read_by_its_type_column_or_its_prefix():
    people, errors = parsed(
        "dni,tipo_documento\n001234567,CE\nCE 007654321,\n45678901,DNI\n"
    )
    assert errors == []
    assert [(p.document_type, p.document_number) for p in people] == [
        (DocumentType.FOREIGNER_CARD, "001234567"),
        (DocumentType.FOREIGNER_CARD, "007654321"),
        (DocumentType.DNI, "45678901"),
    ]


def test_an_unknown_document_type_is_an_error():
    _people, errors = parsed("dni,tipo_documento\n45678901,pasaporte")
    assert errors == [(2, "tipo_documento")]


def test_a_list_without_a_dni_column_or_with_unknown_columns_is_refused(english):
    _people, errors = parse_list(read_pasted("nombres,cargo\nAna,Jefa"))
    messages = [error.message for error in errors]
    assert messages[0] == "Missing columns: dni."
    assert messages[1].startswith("Unknown columns: cargo.")


def test_a_header_without_rows_is_refused():
    _people, errors = parsed("dni,nombres\n")
    assert errors == [(None, "")]


def test_an_xlsx_list_keeps_dnis_stored_as_numbers_and_the_sheet_row_numbers():
    data = xlsx(
        [
            ["dni", "nombres", "apellidos", "correo"],
            [1234567, "Ana", "Ruiz", "a@x.pe"],
            [None, None, None, None],
            ["45678901", "Luis", "Paz", ""],
        ]
    )
    people, errors = parse_list(read_sheet(data, "lista.xlsx", limits=PARTICIPANT_LIST))
    assert errors == []
    assert [(p.row, p.document_number) for p in people] == [
        (2, "01234567"),
        (4, "45678901"),
    ]


def test_a_latin1_csv_with_semicolons_is_read():
    data = "dni;nombres;apellidos\n45678901;José;Núñez\n".encode("latin-1")
    people, errors = parse_list(read_sheet(data, "lista.csv", limits=PARTICIPANT_LIST))
    assert errors == []
    assert (people[0].first_names, people[0].last_names) == ("José", "Núñez")


def test_an_empty_paste_cannot_be_read():
    with pytest.raises(SpreadsheetError):
        read_pasted("\n \n")


def test_a_listed_person_shows_only_the_last_three_digits():
    person = ListedPerson(
        row=1, document_type=DocumentType.DNI, document_number="45678123"
    )
    assert person.masked_document() == "DNI *****123"
