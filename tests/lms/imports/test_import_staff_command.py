"""The import_staff command: summary, errors with row and column, exit status."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lms.models import Person, StaffMember
from tests.factories import organisation

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
ROSA = "41234567,Rosa Elena,Quispe Huamán,rosa@gob.pe,GRDS,Analista,CAS,02/03/2026,,no"
JOSE = "07654321,José,Chávez Cerna,jose@gob.pe,GRDE,Asistente,276,15/01/2026,,no"

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def staff_file(tmp_path):
    def write(*lines: str, name: str = "personal.csv") -> Path:
        path = tmp_path / name
        path.write_text("\n".join(lines), encoding="utf-8")
        return path

    return write


def import_staff(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_staff", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_into_every_unit_and_prints_the_summary(units, staff_file):
    out, _err = import_staff(staff_file(HEADER, ROSA, JOSE))
    assert "Created: 2" in out
    assert "Unchanged: 0" in out
    assert set(StaffMember.objects.values_list("unit__code", flat=True)) == {
        "GRDS",
        "GRDE",
    }


def test_a_second_run_reports_everything_unchanged(units, staff_file):
    path = staff_file(HEADER, ROSA, JOSE)
    import_staff(path)
    out, _err = import_staff(path)
    assert "Created: 0" in out
    assert "Changed: 0" in out
    assert "Unchanged: 2" in out


def test_a_dry_run_prints_the_changes_and_writes_nothing(units, staff_file):
    import_staff(staff_file(HEADER, ROSA))
    moved = ROSA.replace("GRDS", "GRDE")
    out, _err = import_staff(staff_file(HEADER, moved, JOSE), "--dry-run")
    assert "Dry run: nothing was written." in out
    assert "Created: 1" in out
    assert "Row 2 (DNI *****567): unit: GRDS → GRDE" in out
    assert StaffMember.objects.get().unit.code == "GRDS"


def test_errors_are_printed_with_row_and_column_and_the_exit_status_is_not_zero(
    units, staff_file
):
    path = staff_file(HEADER, ROSA, JOSE.replace("GRDE", "NOPE"))
    with pytest.raises(CommandError, match="1 errors; nothing was written") as raised:
        import_staff(path)
    assert raised.value.returncode == 1
    assert Person.objects.count() == 0


def test_errors_go_to_stderr(units, staff_file):
    path = staff_file(HEADER, ROSA.replace("02/03/2026", "31/02/2026"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), stderr=err)
    assert err.getvalue().strip() == (
        "row 2, fecha_ingreso: 31/02/2026 is not a valid date."
    )


def test_a_file_error_is_printed_without_a_row(units, staff_file):
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_staff", str(staff_file(HEADER)), stderr=err)
    assert err.getvalue().strip() == "file: The file has a header but no rows."


def test_a_missing_file_is_an_error(units, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        import_staff(tmp_path / "nada.csv")


def test_full_marks_everyone_missing_as_a_leaver(units, staff_file):
    import_staff(staff_file(HEADER, ROSA, JOSE))
    out, _err = import_staff(staff_file(HEADER, ROSA), "--full")
    assert "Marked as leavers: 1" in out
    jose = StaffMember.objects.get(person__document_number="07654321")
    assert jose.left_on is not None


@pytest.fixture
def units_of_the_example(units):
    """The demo units the example files name, beside the test tree."""
    root = units["root"]
    ggr = organisation("GGR", "Gerencia General Regional", root)
    organisation("UFI", "Unidad Funcional de Integridad", ggr)
    planning = organisation("GRPPAT", "Gerencia de Planeamiento", root)
    organisation("SGPCTI", "Sub Gerencia de Cooperación", planning)
    dradm = organisation("DRADM", "Dirección Regional de Administración", root)
    for code in ("OPER", "OABA", "OTES"):
        organisation(code, code, dradm)
    return units


def test_the_example_files_import(units_of_the_example):
    fixtures = Path(__file__).resolve().parents[3] / "fixtures" / "staff"
    for name in ("personal_ejemplo.csv", "personal_ejemplo.xlsx"):
        out, _err = import_staff(fixtures / name, "--dry-run")
        assert "Created: 10" in out
