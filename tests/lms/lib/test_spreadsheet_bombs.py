"""Huge or crafted spreadsheets are refused before they are read; nothing is written.

The files are built here, small on disk: a sheet that declares more rows or
columns than it holds, a CSV past the row cap, a zip member that unpacks a
thousand times its size. Each reaches the HR import (admin and command) or a
trainer's participant list, and each is refused with a Spanish message.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.formats import number_format
from openpyxl import Workbook

from lms.cohorts.participant_lists import PARTICIPANT_LIST
from lms.imports.columns import STAFF_FILE
from lms.lib.spreadsheets import MAX_COLUMNS, SheetLimits, SpreadsheetError, read_sheet
from lms.models import Participant, Person, StaffMember

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
ROSA = "41234567,Rosa Elena,Quispe Huamán,rosa@gob.pe,GRDS,Analista,CAS,02/03/2026,,no"
TOO_MANY_ROWS = "El archivo tiene más de {} filas"
TOO_MANY_COLUMNS = f"El archivo tiene más de {MAX_COLUMNS} columnas"
UNUSUAL_ZIP = "El archivo Excel se descomprime en más de"


def workbook(*rows: list) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def declaring(data: bytes, dimension: str) -> bytes:
    """Return the workbook with its sheet's declared size set to `dimension`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"',
                    f'<dimension ref="{dimension}"'.encode(),
                    content,
                )
            target.writestr(member.filename, content)
    return buffer.getvalue()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """Return the workbook with one more (highly compressible) zip member."""
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


STAFF_SHEET = workbook(HEADER.split(","), ROSA.split(","))


def refusal(data: bytes, filename: str, limits: SheetLimits) -> str:
    with pytest.raises(SpreadsheetError) as error:
        read_sheet(data, filename, limits=limits)
    return str(error.value)


def grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def test_a_sheet_declaring_more_rows_than_the_cap_is_refused_before_reading(db):
    data = declaring(STAFF_SHEET, f"A1:J{STAFF_FILE.rows + 1}")

    message = refusal(data, "personal.xlsx", STAFF_FILE)

    assert TOO_MANY_ROWS.format(grouped(STAFF_FILE.rows)) in message


def test_a_sheet_declaring_thousands_of_columns_is_refused(db):
    data = declaring(STAFF_SHEET, "A1:AZ2")

    assert TOO_MANY_COLUMNS in refusal(data, "personal.xlsx", STAFF_FILE)


def test_a_sheet_with_a_cell_far_to_the_right_is_refused(db):
    row = ["45678901", *[None] * MAX_COLUMNS, "x"]

    assert TOO_MANY_COLUMNS in refusal(workbook(row), "lista.xlsx", PARTICIPANT_LIST)


def test_a_zip_member_that_unpacks_a_thousand_times_its_size_is_refused(db):
    data = with_member(STAFF_SHEET, "xl/media/relleno.bin", b"0" * 4_000_000)

    assert UNUSUAL_ZIP in refusal(data, "personal.xlsx", STAFF_FILE)


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(db):
    limits = SheetLimits(bytes=STAFF_FILE.bytes, unpacked_bytes=5_000, rows=10)

    assert UNUSUAL_ZIP in refusal(STAFF_SHEET, "personal.xlsx", limits)


def test_a_csv_with_an_endless_line_is_refused(db):
    data = ("dni," + "x" * 200_000 + "\n").encode()

    assert "Una línea tiene más de" in refusal(data, "lista.csv", PARTICIPANT_LIST)


def test_a_file_over_the_size_limit_is_refused_unread(db):
    data = b"dni\n" + b"45678901\n" * (PARTICIPANT_LIST.bytes // 9 + 1)

    assert "se pueden leer archivos de hasta" in refusal(
        data, "lista.csv", PARTICIPANT_LIST
    )


def test_a_normal_workbook_is_still_read(db):
    sheet = read_sheet(STAFF_SHEET, "personal.xlsx", limits=STAFF_FILE)

    assert sheet.header == HEADER.split(",")
    assert [number for number, _cells in sheet.rows] == [2]


@pytest.mark.django_db
def test_the_import_command_refuses_a_csv_past_the_row_cap(tmp_path, units):
    path = tmp_path / "personal.csv"
    path.write_text("\n".join([HEADER, *[ROSA] * STAFF_FILE.rows]))

    stderr = io.StringIO()
    with pytest.raises(CommandError, match="nada"):
        call_command("import_staff", str(path), stderr=stderr)

    assert TOO_MANY_ROWS.format(grouped(STAFF_FILE.rows)) in stderr.getvalue()
    assert StaffMember.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_import_refuses_a_sheet_declaring_too_many_rows(client, hr_a):
    data = declaring(STAFF_SHEET, f"A1:J{STAFF_FILE.rows + 1}")
    client.force_login(hr_a)

    response = client.post(
        reverse("lms_staff_import"),
        {"file": SimpleUploadedFile("personal.xlsx", data)},
    )

    assert response.status_code == 200
    assert TOO_MANY_ROWS.format(grouped(STAFF_FILE.rows)) in response.text
    assert "ticket" not in response.context
    assert (Person.objects.count(), StaffMember.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_a_trainers_list_past_the_row_cap_is_refused(client, trainer_user, cohort):
    rows = [["dni"], *[[f"{45_000_000 + n}"] for n in range(PARTICIPANT_LIST.rows)]]
    upload = SimpleUploadedFile("lista.xlsx", workbook(*rows))
    client.force_login(trainer_user)

    response = client.post(
        reverse("cohorts:add_participants", args=[cohort.pk]), {"file": upload}
    )

    assert response.status_code == 200
    assert TOO_MANY_ROWS.format(grouped(PARTICIPANT_LIST.rows)) in response.text
    assert "ticket" not in response.context
    assert Participant.objects.count() == 0
