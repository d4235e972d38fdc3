"""Applying HR's staff file: new, changed, unchanged, leavers, all or nothing."""

from __future__ import annotations

import gc
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from lms.imports import changes
from lms.imports.changes import LOG_ACTION, import_staff
from lms.models import (
    Assignment,
    ClosedReason,
    Person,
    Regime,
    StaffImport,
    StaffMember,
)
from lms.staff.scopes import MANAGE_ROLES, Scope, scope_for
from tests.factories import (
    PersonFactory,
    StaffMemberFactory,
    TrainingRequirementFactory,
    UserFactory,
    next_cycle,
)

HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
ROSA = "41234567,Rosa Elena,Quispe Huamán,rosa@gob.pe,GRDS,Analista,CAS,02/03/2026,,no"
JOSE = "07654321,José,Chávez Cerna,jose@gob.pe,SGPE,Asistente,276,15/01/2026,,no"
TODAY = date(2026, 4, 1)
EVERYTHING = Scope(everything=True, paths=())


def csv_file(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def run(data: bytes, scope: Scope = EVERYTHING, **options):
    return import_staff(
        data=data, filename="personal.csv", scope=scope, today=TODAY, **options
    )


def only_assignment(member: StaffMember) -> Assignment:
    return Assignment.objects.get(staff=member)


def table_sizes() -> tuple[int, int, int]:
    return (
        Person.objects.count(),
        StaffMember.objects.count(),
        Assignment.objects.count(),
    )


@pytest.fixture
def rosa(units):
    """Rosa is already on the staff of unit A, as an earlier import left her."""
    person = PersonFactory(
        document_number="41234567", first_names="Rosa Elena", last_names="Quispe Huamán"
    )
    return StaffMemberFactory(
        person=person,
        email="rosa@gob.pe",
        unit=units["a"],
        post="Analista",
        regime=Regime.CAS,
        hired_on=date(2026, 3, 2),
    )


def test_new_people_get_a_staff_record_and_their_assignments(units, induction):
    result = run(csv_file(HEADER, ROSA, JOSE))
    assert result.errors == []
    assert (result.created, result.changed, result.unchanged) == (2, 0, 0)
    assert result.assignments.created == 2
    staff = StaffMember.objects.select_related("person").get(
        person__document_number="07654321"
    )
    assert staff.person.full_name == "José Chávez Cerna"
    assert (staff.unit, staff.regime, staff.hired_on) == (
        units["a1"],
        Regime.DL276,
        date(2026, 1, 15),
    )
    assert Assignment.objects.get(staff=staff).due_on == date(2026, 2, 14)


def test_a_person_known_from_an_account_gets_a_staff_record(units):
    person = PersonFactory(
        document_number="41234567", user=UserFactory(), first_names="rosa"
    )
    result = run(csv_file(HEADER, ROSA))
    assert result.created == 1
    person.refresh_from_db()
    assert person.staff_record.unit == units["a"]
    assert person.first_names == "Rosa Elena"
    assert Person.objects.count() == 1


def test_importing_the_same_file_twice_changes_nothing(units, induction):
    data = csv_file(HEADER, ROSA, JOSE)
    run(data)
    before = list(StaffMember.objects.values().order_by("pk"))
    sizes = table_sizes()
    again = run(data)
    assert again.summary() == {
        "created": 0,
        "changed": 0,
        "unchanged": 2,
        "left": 0,
        "assignments_created": 0,
        "assignments_closed": 0,
    }
    assert table_sizes() == sizes
    assert list(StaffMember.objects.values().order_by("pk")) == before


def test_a_change_lists_each_field_with_its_old_and_new_value(rosa, english):
    line = ROSA.replace("Analista", "Coordinadora").replace("Rosa Elena", "Rosa")
    [change] = run(csv_file(HEADER, line)).plan.changed
    assert change.fields == [
        ("first names", "Rosa Elena", "Rosa"),
        ("post", "Analista", "Coordinadora"),
    ]
    rosa.refresh_from_db()
    rosa.person.refresh_from_db()
    assert (rosa.post, rosa.person.first_names) == ("Coordinadora", "Rosa")
    assert rosa.moved_on is None


@pytest.mark.parametrize(
    "line",
    [
        ROSA.replace("GRDS", "SGPE"),
        ROSA.replace(",CAS,", ",276,"),
        ROSA.removesuffix("no") + "sí",
    ],
    ids=["unit", "regime", "senior official"],
)
def test_a_transfer_or_appointment_sets_moved_on_to_the_import_date(rosa, line):
    assert run(csv_file(HEADER, line)).changed == 1
    rosa.refresh_from_db()
    assert rosa.moved_on == TODAY


def test_a_senior_appointment_counts_a_new_requirement_from_the_import(rosa, course):
    governors = TrainingRequirementFactory(
        course=course, senior_officials_only=True, due_days=60
    )
    result = run(csv_file(HEADER, ROSA.removesuffix("no") + "sí"))
    assert result.assignments.created == 1
    assignment = Assignment.objects.get(staff=rosa, requirement=governors)
    assert assignment.due_on == TODAY + timedelta(days=60)


def test_an_appointment_counts_from_the_day_it_took_effect_not_the_import(rosa, course):
    governors = TrainingRequirementFactory(
        course=course, senior_officials_only=True, due_days=60
    )
    effective = TODAY - timedelta(days=10)
    line = ROSA.removesuffix("no") + f"sí,{effective:%d/%m/%Y}"
    result = run(csv_file(HEADER + ",fecha_movimiento", line))
    assert result.changed == 1
    rosa.refresh_from_db()
    assert rosa.moved_on == effective
    assignment = Assignment.objects.get(staff=rosa, requirement=governors)
    assert assignment.due_on == TODAY + timedelta(days=50)


def test_a_later_file_corrects_the_day_an_appointment_took_effect(rosa, course):
    governors = TrainingRequirementFactory(
        course=course, senior_officials_only=True, due_days=60
    )
    run(csv_file(HEADER, ROSA.removesuffix("no") + "sí"))
    line = ROSA.removesuffix("no") + "sí,2026-03-20"
    result = run(csv_file(HEADER + ",fecha_movimiento", line))
    [change] = result.plan.changed
    assert [old for _label, old, _new in change.fields] == ["01/04/2026"]
    assignment = Assignment.objects.get(staff=rosa, requirement=governors)
    assert assignment.due_on == date(2026, 5, 19)


def test_a_rehire_updates_the_hire_date_clears_the_end_and_opens_a_new_cycle(
    units, induction
):
    staff = StaffMemberFactory(
        person=PersonFactory(document_number="41234567"),
        unit=units["a"],
        hired_on=date(2025, 3, 1),
        left_on=date(2025, 12, 31),
    )
    Assignment.objects.create(
        staff=staff,
        requirement=induction,
        due_on=date(2025, 3, 31),
        closed_on=date(2025, 12, 31),
        closed_reason=ClosedReason.LEFT,
    )
    result = run(csv_file(HEADER, ROSA))
    [change] = result.plan.changed
    assert change.is_rehire
    staff.refresh_from_db()
    assert (staff.hired_on, staff.left_on, staff.moved_on) == (
        date(2026, 3, 2),
        None,
        None,
    )
    cycles = list(Assignment.objects.filter(staff=staff).order_by("cycle"))
    assert [(a.cycle, a.closed_on is None) for a in cycles] == [(1, False), (2, True)]
    assert cycles[1].due_on == date(2026, 4, 1)


def test_an_end_date_in_the_file_closes_open_assignments(units, induction):
    run(csv_file(HEADER, JOSE))
    result = run(csv_file(HEADER, JOSE.replace("15/01/2026,", "15/01/2026,20/03/2026")))
    assert result.assignments.closed == 1
    assignment = Assignment.objects.get(staff__person__document_number="07654321")
    assert (assignment.closed_on, assignment.closed_reason) == (
        date(2026, 3, 20),
        ClosedReason.LEFT,
    )


@pytest.fixture
def elmer(units, induction):
    """A long-serving member of unit A1 with one completed and one open cycle."""
    staff = StaffMemberFactory(
        person=PersonFactory(document_number="40112233"),
        unit=units["a1"],
        hired_on=date(2023, 1, 2),
    )
    completed = Assignment.objects.create(
        staff=staff,
        requirement=induction,
        cycle=1,
        due_on=date(2023, 2, 1),
        completed_on=date(2023, 1, 20),
        renew_by=date(2025, 1, 20),
    )
    next_cycle(completed, due_on=date(2025, 1, 20))
    return staff


def test_a_full_import_marks_the_missing_as_leavers_and_keeps_their_history(
    rosa, elmer
):
    result = run(csv_file(HEADER, ROSA), full=True)
    assert (result.left, result.unchanged) == (1, 1)
    elmer.refresh_from_db()
    assert elmer.left_on == TODAY - timedelta(days=1)
    completed, renewal = Assignment.objects.filter(staff=elmer).order_by("cycle")
    assert completed.completed_on == date(2023, 1, 20)
    assert completed.closed_on is None
    assert renewal.closed_reason == ClosedReason.LEFT
    rosa.refresh_from_db()
    assert rosa.left_on is None


def test_an_import_that_is_not_full_leaves_the_missing_alone(rosa, elmer):
    assert run(csv_file(HEADER, ROSA)).left == 0
    elmer.refresh_from_db()
    assert elmer.left_on is None


def test_a_full_import_reaches_only_the_importers_units(units, elmer, hr_b):
    outsider = StaffMemberFactory(unit=units["b"], hired_on=date(2025, 1, 1))
    line = ROSA.replace("GRDS", "GRDE")
    result = run(csv_file(HEADER, line), scope=scope_for(hr_b, MANAGE_ROLES), full=True)
    assert [staff.pk for staff in result.plan.leavers] == [outsider.pk]
    elmer.refresh_from_db()
    assert elmer.left_on is None


def test_a_full_import_ignores_people_who_start_today_or_later(units):
    StaffMemberFactory(unit=units["a"], hired_on=TODAY)
    assert run(csv_file(HEADER, ROSA), full=True).left == 0


def test_a_person_working_in_another_hr_officers_unit_is_refused(rosa, hr_b):
    result = run(
        csv_file(HEADER, ROSA.replace("GRDS", "GRDE")),
        scope=scope_for(hr_b, MANAGE_ROLES),
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "codigo_unidad")]
    rosa.refresh_from_db()
    assert rosa.unit.code == "GRDS"


def test_a_leaver_from_another_unit_may_be_rehired_by_another_hr_officer(rosa, hr_b):
    StaffMember.objects.filter(pk=rosa.pk).update(left_on=date(2026, 3, 10))
    line = ROSA.replace("GRDS", "GRDE").replace("02/03/2026", "20/03/2026")
    result = run(csv_file(HEADER, line), scope=scope_for(hr_b, MANAGE_ROLES))
    assert result.errors == []
    rosa.refresh_from_db()
    assert (rosa.unit.code, rosa.left_on) == ("GRDE", None)


def test_a_dry_run_writes_nothing(rosa, elmer):
    sizes = table_sizes()
    line = ROSA.replace("GRDS", "SGPE")
    result = run(csv_file(HEADER, line, JOSE), full=True, dry_run=True)
    assert (result.created, result.changed, result.left) == (1, 1, 1)
    assert table_sizes() == sizes
    rosa.refresh_from_db()
    elmer.refresh_from_db()
    assert (rosa.unit.code, rosa.moved_on, elmer.left_on) == ("GRDS", None, None)


@pytest.mark.parametrize(
    "bad_line",
    [
        JOSE.replace("07654321", "0765432X"),
        JOSE.replace("SGPE", "NOPE"),
        JOSE.replace("15/01/2026", "31/02/2026"),
        ROSA.replace("Analista", "Otra"),  # the same DNI twice
    ],
    ids=["bad dni", "unknown unit", "impossible date", "duplicate dni"],
)
def test_a_file_with_any_error_leaves_the_database_unchanged(rosa, elmer, bad_line):
    sizes = table_sizes()
    staff_before = list(StaffMember.objects.values().order_by("pk"))
    people_before = list(Person.objects.values().order_by("pk"))
    changing = ROSA.replace("GRDS", "SGPE")
    new = "45678912,María,Vásquez,,GRDS,,CAS,01/03/2026,,no"
    result = run(csv_file(HEADER, changing, new, bad_line), full=True)
    assert result.errors
    assert table_sizes() == sizes
    assert list(StaffMember.objects.values().order_by("pk")) == staff_before
    assert list(Person.objects.values().order_by("pk")) == people_before


def test_an_import_is_recorded_in_the_audit_log(units, integrity_officer):
    run(
        csv_file(HEADER, ROSA, JOSE),
        scope=scope_for(integrity_officer, MANAGE_ROLES),
        by=integrity_officer,
    )
    entry = ModelLogEntry.objects.get(action=LOG_ACTION)
    assert entry.user == integrity_officer
    assert entry.object_id == str(units["root"].pk)
    assert entry.data["created"] == 2
    assert entry.data["file"] == "personal.csv"


def test_a_dry_run_or_a_failed_import_is_not_logged(units):
    run(csv_file(HEADER, ROSA), dry_run=True)
    run(csv_file(HEADER, ROSA.replace("GRDS", "NOPE")))
    assert not ModelLogEntry.objects.filter(action=LOG_ACTION).exists()


def many_rows(count: int, *, first: int = 10_000_000) -> bytes:
    units = ["GRDS", "SGPE", "GRDE"]
    lines = [HEADER] + [
        f"{first + n:08d},Nombre {n},Apellido {n},p{n}@gob.pe,{units[n % 3]},"
        f"Analista,CAS,01/03/2026,,{'sí' if n % 50 == 0 else 'no'}"
        for n in range(count)
    ]
    return csv_file(*lines)


def test_ten_thousand_rows_import_in_one_go(units, induction):
    result = run(many_rows(10_000))
    assert result.errors == []
    assert (result.created, result.assignments.created) == (10_000, 10_000)
    assert StaffMember.objects.count() == 10_000
    assert Assignment.objects.count() == 10_000
    assert StaffMember.objects.filter(is_senior_official=True).count() == 200


@pytest.mark.parametrize("size", [100, 4_000])
def test_an_import_needs_no_query_per_row(
    units, induction, django_assert_max_num_queries, size
):
    data = many_rows(size)
    # Inserts go out in batches: 2,000 rows on PostgreSQL, and on SQLite as
    # many as its 999 parameters allow (about 75 assignments). One query per
    # 25 rows is far above either and far below one per row.
    with django_assert_max_num_queries(18 + size // 25):
        result = run(data)
    assert (result.created, result.assignments.created) == (size, size)
    # Nothing to write: a fixed number of queries plus one per 2,000 lookups.
    with django_assert_max_num_queries(12):
        assert run(data).unchanged == size


def test_an_import_of_30_rows_needs_no_more_queries_than_one_of_3(units, induction):
    # The first import of the test run also reads what Django then caches.
    run(many_rows(1, first=90_000_000))
    with CaptureQueriesContext(connection) as three:
        assert run(many_rows(3)).assignments.created == 3
    with CaptureQueriesContext(connection) as thirty:
        assert run(many_rows(30, first=20_000_000)).assignments.created == 30
    assert len(thirty.captured_queries) == len(three.captured_queries)


def test_an_import_written_in_several_chunks_writes_every_row(
    rosa, elmer, induction, monkeypatch
):
    monkeypatch.setattr(changes, "WRITE_CHUNK", 2)
    known = PersonFactory(document_number="07654321", first_names="jose")
    moved = ROSA.replace("Analista", "Coordinadora")
    data = csv_file(HEADER, moved, JOSE, *many_rows(3).decode().splitlines()[1:])
    result = run(data, full=True)
    assert (result.created, result.changed, result.left) == (4, 1, 1)
    # The four new people's, and Rosa's, whose record predates the rule.
    assert (result.assignments.created, result.assignments.closed) == (5, 1)
    new_staff = StaffMember.objects.exclude(pk__in=[rosa.pk, elmer.pk])
    assert new_staff.count() == 4
    for member in new_staff:
        assert only_assignment(member).due_on == member.hired_on + timedelta(days=30)
    known.refresh_from_db()
    assert (known.first_names, known.staff_record.post) == ("José", "Asistente")
    rosa.refresh_from_db()
    assert rosa.post == "Coordinadora"
    assert Assignment.objects.get(staff=elmer, cycle=2).closed_reason == (
        ClosedReason.LEFT
    )
    touched = set(StaffImport.objects.get().staff.values_list("pk", flat=True))
    assert touched == {*new_staff.values_list("pk", flat=True), rosa.pk, elmer.pk}


@pytest.mark.parametrize("line", [ROSA, ROSA.replace("GRDS", "NOPE")])
def test_the_garbage_collector_runs_again_after_an_import(units, line):
    """The import holds it off while it runs, and must hand it back, errors or not."""
    run(csv_file(HEADER, line))
    assert gc.isenabled()
