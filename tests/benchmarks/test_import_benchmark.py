"""Time to import HR's staff file of 10,000 rows, against the floor of the writes.

Run only on request (the default run deselects the `benchmark` marker):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integridad_bench \
        .venv/bin/pytest tests/benchmarks/test_import_benchmark.py -m benchmark -s

The import of 10,000 new staff is timed as the HR officer's confirm step runs
it (the upload's preview, untimed, hands out the ticket), and as a direct call
of `import_staff` with the same arguments, with the induction rule in force so
every new person also gets an assignment. Beside it, in the same rounds, the
same people and staff records go into the same tables and columns by plain
INSERTs, one multi-row statement per 1,000 rows (the floor the import is
measured against) and psycopg's executemany, and by COPY (for reference).
Every run is rolled back; the ways take turns to go first.

Wall-clock and CPU time are printed, as medians with every run. CPU time (this
process's and its PostgreSQL backend's) hardly moves with the machine's other
work, where wall-clock time on a shared machine swings by half. No limit is
asserted.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from courses.models import TitleForm
from lms.imports.changes import import_staff
from lms.models import Assignment, Organisation, Person, Regime, Role, StaffMember
from lms.people.identity import DocumentType
from lms.staff.scopes import MANAGE_ROLES, Scope, scope_for
from tests.admin_helpers import signed_in
from tests.benchmarks.staff_data import rolled_back
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.benchmark

ROWS = 10_000
ROUNDS = 5
TODAY = date(2026, 4, 1)
EVERYTHING = Scope(everything=True, paths=())
HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)
UNITS = ["GRDS", "SGPE", "GRDE"]
# How the file spells each regime, and the code the record stores.
REGIMES = [
    ("CAS", Regime.CAS),
    ("D.Leg. 276", Regime.DL276),
    ("728", Regime.DL728),
    ("Ley 30057", Regime.LSC),
    ("practicante", Regime.TRAINEE),
]
# Every column of the two tables but the id, in the order the floor writes them.
PERSON_COLUMNS = (
    "document_type",
    "document_number",
    "first_names",
    "last_names",
    "user_id",
    "title_form",
    "erased_at",
)
STAFF_COLUMNS = (
    "person_id",
    "email",
    "unit_id",
    "post",
    "regime",
    "is_senior_official",
    "hired_on",
    "left_on",
    "moved_on",
    "invited_at",
    "updated_at",
)
INSERT_BATCH = 1000
FIRST_DNI = 30_000_000
MULTI_ROW = "plain multi-row INSERT (people, staff)"
EXECUTEMANY = "plain INSERT, executemany (people, staff)"


@dataclass(frozen=True)
class Employee:
    """One row of the benchmark's file, as the file writes it."""

    n: int
    first_dni: int = FIRST_DNI

    @property
    def dni(self) -> str:
        return f"{self.first_dni + self.n:08d}"

    @property
    def unit(self) -> str:
        return UNITS[self.n % len(UNITS)]

    @property
    def regime(self) -> tuple[str, str]:
        return REGIMES[self.n % len(REGIMES)]

    @property
    def hired_on(self) -> date:
        return date(2026, 3, 1 + self.n % 28)

    @property
    def is_senior(self) -> bool:
        return self.n % 50 == 0

    def csv_line(self) -> str:
        return (
            f"{self.dni},Nombre {self.n},Apellido Apellido {self.n},"
            f"persona{self.n}@regioncajamarca.gob.pe,{self.unit},Especialista,"
            f"{self.regime[0]},{self.hired_on:%d/%m/%Y},,"
            f"{'sí' if self.is_senior else 'no'}"
        )


def employees(rows: int, *, first_dni: int = FIRST_DNI) -> list[Employee]:
    return [Employee(n, first_dni) for n in range(rows)]


def staff_file(rows: int, *, first_dni: int = FIRST_DNI) -> bytes:
    lines = [e.csv_line() for e in employees(rows, first_dni=first_dni)]
    return "\n".join([HEADER, *lines]).encode()


def timed(data: bytes, *, dry_run: bool = False):
    started = time.perf_counter()
    result = import_staff(
        data=data,
        filename="personal.csv",
        scope=EVERYTHING,
        today=TODAY,
        dry_run=dry_run,
    )
    return time.perf_counter() - started, result


def median_of(label: str, seconds: list[float]) -> None:
    print(  # noqa: T201
        f"\n{label} ({connection.vendor}): median {statistics.median(seconds):.2f} s "
        f"over {len(seconds)} runs ({', '.join(f'{s:.2f}' for s in seconds)})"
    )


# The floor --------------------------------------------------------------------


@dataclass(frozen=True)
class Floor:
    """The rows the import writes to people and staff, ready for plain SQL."""

    people: list[tuple]
    # Each staff row without its first column, the person's id.
    staff: list[tuple]

    @classmethod
    def of(cls, rows: list[Employee]) -> Floor:
        assert set(PERSON_COLUMNS) == columns_of(Person)
        assert set(STAFF_COLUMNS) == columns_of(StaffMember)
        units = {unit.code: unit.pk for unit in Organisation.objects.all()}
        now = timezone.now()
        people = [
            (
                DocumentType.DNI.value,
                e.dni,
                f"Nombre {e.n}",
                f"Apellido Apellido {e.n}",
                None,
                TitleForm.NEUTRAL.value,
                None,
            )
            for e in rows
        ]
        staff = [
            (
                f"persona{e.n}@regioncajamarca.gob.pe",
                units[e.unit],
                "Especialista",
                e.regime[1].value,
                e.is_senior,
                e.hired_on,
                None,
                None,
                None,
                now,
            )
            for e in rows
        ]
        return cls(people, staff)

    def insert(self) -> None:
        """Write both tables by one multi-row INSERT per batch of rows."""
        with connection.cursor() as cursor:
            person_ids = []
            for people in batches(self.people):
                cursor.execute(
                    multi_row_insert(Person, PERSON_COLUMNS, len(people))
                    + " RETURNING id",
                    [value for row in people for value in row],
                )
                person_ids += [pk for (pk,) in cursor.fetchall()]
            staff_rows = [
                (pk, *row) for pk, row in zip(person_ids, self.staff, strict=True)
            ]
            for staff in batches(staff_rows):
                cursor.execute(
                    multi_row_insert(StaffMember, STAFF_COLUMNS, len(staff)),
                    [value for row in staff for value in row],
                )

    def executemany(self) -> None:
        """Write both tables by psycopg's executemany, one row per statement."""
        with connection.cursor() as cursor:
            cursor.cursor.executemany(
                single_row_insert(Person, PERSON_COLUMNS) + " RETURNING id",
                self.people,
                returning=True,
            )
            person_ids = [cursor.fetchone()[0] for _ in cursor.cursor.results()]
            cursor.cursor.executemany(
                single_row_insert(StaffMember, STAFF_COLUMNS),
                [(pk, *row) for pk, row in zip(person_ids, self.staff, strict=True)],
            )

    def copy(self) -> None:
        """Write both tables by COPY, taking the people's ids from their sequence."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [Person._meta.db_table, len(self.people)],
            )
            person_ids = [pk for (pk,) in cursor.fetchall()]
            copy_rows(
                cursor,
                Person,
                ("id", *PERSON_COLUMNS),
                ((pk, *row) for pk, row in zip(person_ids, self.people, strict=True)),
            )
            copy_rows(
                cursor,
                StaffMember,
                STAFF_COLUMNS,
                ((pk, *row) for pk, row in zip(person_ids, self.staff, strict=True)),
            )


def columns_of(model) -> set[str]:
    return {field.column for field in model._meta.concrete_fields} - {"id"}


def batches(rows: list[tuple]) -> Iterator[list[tuple]]:
    for start in range(0, len(rows), INSERT_BATCH):
        yield rows[start : start + INSERT_BATCH]


def multi_row_insert(model, columns: tuple[str, ...], rows: int) -> str:
    values = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"VALUES {', '.join([values] * rows)}"
    )


def single_row_insert(model, columns: tuple[str, ...]) -> str:
    return multi_row_insert(model, columns, 1)


def copy_rows(cursor, model, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


# The import as the HR officer confirms it --------------------------------------


@pytest.fixture
def officer(units):
    """An HR officer over the whole government."""
    return grant(UserFactory(email="rrhh@example.pe"), Role.HR_OFFICER, units["root"])


@pytest.fixture
def hr_client(client, officer):
    return signed_in(client, officer)


def previewed(client, data: bytes) -> str:
    """Upload the file as HR does and return the preview's confirmation ticket."""
    upload = SimpleUploadedFile("personal.csv", data, "text/csv")
    response = client.post(reverse("lms_staff_import"), {"file": upload})
    assert response.context["result"].created == ROWS
    return response.context["ticket"]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the COPY floor is PostgreSQL's"
)
def test_importing_ten_thousand_new_staff_against_plain_inserts(
    hr_client, officer, induction
):
    def confirm(first_dni: int) -> Callable[[], object]:
        ticket = previewed(hr_client, staff_file(ROWS, first_dni=first_dni))
        url = reverse("lms_staff_import_confirm")
        return partial(hr_client.post, url, {"ticket": ticket})

    def import_call(first_dni: int) -> Callable[[], object]:
        return partial(
            import_staff,
            data=staff_file(ROWS, first_dni=first_dni),
            filename="personal.csv",
            scope=scope_for(officer, MANAGE_ROLES),
            today=timezone.localdate(),
            by=officer,
        )

    def floor(write: Callable[[Floor], None]) -> Callable[[int], Callable[[], object]]:
        return lambda first_dni: partial(
            write, Floor.of(employees(ROWS, first_dni=first_dni))
        )

    # Each way is readied untimed and returns what is timed.
    ways: dict[str, Callable[[int], Callable[[], object]]] = {
        "import, confirm step (with assignments)": confirm,
        "import, import_staff as confirm calls it": import_call,
        MULTI_ROW: floor(Floor.insert),
        EXECUTEMANY: floor(Floor.executemany),
        "COPY (people, staff)": floor(Floor.copy),
    }
    names = list(ways)
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    backend = backend_pid()
    load_before = os.getloadavg()
    blocks = itertools.count()
    for round_ in range(ROUNDS):
        # Each way goes first in turn, and writes document numbers no earlier
        # run wrote: rolled-back rows stay in the indexes as dead entries
        # until the test's own transaction ends.
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            run = ways[name](FIRST_DNI + next(blocks) * ROWS)
            with rolled_back():
                started, cpu_started = time.perf_counter(), cpu_seconds(backend)
                run()
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(cpu_seconds(backend) - cpu_started)
                assert StaffMember.objects.count() == ROWS
                imported = name.startswith("import")
                assert Assignment.objects.count() == (ROWS if imported else 0)
    assert StaffMember.objects.count() == Assignment.objects.count() == 0
    load = ", ".join(
        f"{a:.2f}→{b:.2f}" for a, b in zip(load_before, os.getloadavg(), strict=True)
    )
    print(  # noqa: T201
        f"\n{ROWS:,} new staff on {connection.vendor}, medians of {ROUNDS} "
        f"interleaved rounds (load average {load}):"
    )
    for label, times in (("wall-clock", wall), ("CPU", cpu)):
        medians = {name: statistics.median(runs) for name, runs in times.items()}
        multi_row, executemany = medians[MULTI_ROW], medians[EXECUTEMANY]
        print(  # noqa: T201
            f"  {label:42} {'median':>7} {'× multi-row':>12} {'× executemany':>14}"
        )
        for name, runs in times.items():
            print(  # noqa: T201
                f"  {name:42} {medians[name]:6.2f}s "
                f"{medians[name] / multi_row:11.2f}× "
                f"{medians[name] / executemany:13.2f}×  "
                f"({', '.join(f'{s:.2f}' for s in runs)})"
            )


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def cpu_seconds(backend: int) -> float:
    """Return the CPU time used so far by this process and by its PostgreSQL backend.

    The backend is a process on this machine (the benchmark runs against a
    local server); its user and system ticks are in /proc.
    """
    with open(f"/proc/{backend}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return time.process_time() + ticks / os.sysconf("SC_CLK_TCK")


def test_reimporting_and_previewing_ten_thousand_unchanged_staff(units, induction):
    data = staff_file(ROWS)
    timed(data)
    again, preview = [], []
    for _round in range(ROUNDS):
        elapsed, result = timed(data)
        assert result.unchanged == ROWS
        again.append(elapsed)
        elapsed, result = timed(data, dry_run=True)
        assert result.unchanged == ROWS
        preview.append(elapsed)
    median_of(f"Second import of the same {ROWS:,} rows", again)
    median_of(f"Dry run (admin preview) of {ROWS:,} rows", preview)
