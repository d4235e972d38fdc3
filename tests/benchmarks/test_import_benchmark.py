"""Time to import HR's staff file of 10,000 rows, on SQLite or PostgreSQL.

Run only on request (the default run deselects the `benchmark` marker):

    .venv/bin/pytest tests/benchmarks/test_import_benchmark.py -m benchmark -s
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/integridad_bench \
        .venv/bin/pytest tests/benchmarks/test_import_benchmark.py -m benchmark -s

Each run imports into the same starting state (the run is rolled back), with
the induction rule in force so every new person also gets an assignment. The
figures printed are medians; no wall-clock limit is asserted.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import pytest
from django.db import connection, transaction

from lms.imports.changes import import_staff
from lms.models import Assignment, StaffMember
from lms.staff.scopes import Scope

pytestmark = pytest.mark.benchmark

ROWS = 10_000
ROUNDS = 5
TODAY = date(2026, 4, 1)
EVERYTHING = Scope(everything=True, paths=())
HEADER = (
    "dni,nombres,apellidos,correo,codigo_unidad,cargo,regimen,"
    "fecha_ingreso,fecha_cese,es_directivo"
)


def staff_file(rows: int) -> bytes:
    units = ["GRDS", "SGPE", "GRDE"]
    regimes = ["CAS", "D.Leg. 276", "728", "Ley 30057", "practicante"]
    lines = [HEADER] + [
        f"{30_000_000 + n:08d},Nombre {n},Apellido Apellido {n},"
        f"persona{n}@regioncajamarca.gob.pe,{units[n % 3]},Especialista,"
        f"{regimes[n % 5]},{1 + n % 28:02d}/03/2026,,{'sí' if n % 50 == 0 else 'no'}"
        for n in range(rows)
    ]
    return "\n".join(lines).encode()


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


def test_importing_ten_thousand_new_staff(units, induction):
    data = staff_file(ROWS)
    seconds = []
    for _round in range(ROUNDS):
        with transaction.atomic():
            elapsed, result = timed(data)
            assert (result.created, result.assignments.created) == (ROWS, ROWS)
            transaction.set_rollback(True)
        seconds.append(elapsed)
    assert StaffMember.objects.count() == Assignment.objects.count() == 0
    median_of(f"Import of {ROWS:,} new staff with their assignments", seconds)


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
