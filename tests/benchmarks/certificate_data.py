"""Many certificates for the HTTP benchmarks, cloned in SQL from a real one.

The stack's learner earns one certificate through the site; this makes the
table hold `total` rows by copying it in INSERT … SELECT over generate_series,
as many rows a second as PostgreSQL writes. Each copy gets its own holder
(PERSONS people, each holding certificates of several validity periods, as
the unique holder-course-period constraint asks) and a code of its own spread
over the code index as drawn codes are.
"""

from __future__ import annotations

import psycopg

PERSONS = 10_000
# Columns that must differ per copy, with the SQL that gives each one; `g`
# is the copy's number. Every other column is the template's.
PERSON_COLUMNS = {
    "id": None,
    "user_id": "NULL",
    "document_number": "'B' || lpad(g::text, 8, '0')",
}
CERTIFICATE_COLUMNS = {
    "id": None,
    "code": "'BENCH-' || upper(substr(md5(g::text), 1, 19))",
    "person_id": "(SELECT min(id) FROM lms_person WHERE document_number LIKE 'B%%')"
    f" + g %% {PERSONS}",
    "period": f"2 + g / {PERSONS}",
    "completion_id": "NULL",
    "superseded_by_id": "NULL",
}


def grow_certificates(url: str, total: int) -> int:
    """Clone the table's first certificate until it holds `total`; return the count."""
    with psycopg.connect(url, autocommit=True) as connection:
        [(have,)] = connection.execute(
            "SELECT count(*) FROM certificates_certificate"
        ).fetchall()
        if have >= total:
            return have
        [(template, person)] = connection.execute(
            "SELECT min(id), min(person_id) FROM certificates_certificate"
        ).fetchall()
        [(people,)] = connection.execute(
            "SELECT count(*) FROM lms_person WHERE document_number LIKE 'B%%'"
        ).fetchall()
        if not people:
            _clone(connection, "lms_person", PERSON_COLUMNS, person, 1, PERSONS)
        # Copies are numbered on from the ones made before.
        made = have - 1
        _clone(
            connection,
            "certificates_certificate",
            CERTIFICATE_COLUMNS,
            template,
            made + 1,
            made + total - have,
        )
        connection.execute("ANALYZE lms_person, certificates_certificate")
        [(count,)] = connection.execute(
            "SELECT count(*) FROM certificates_certificate"
        ).fetchall()
        return count


def _clone(
    connection: psycopg.Connection,
    table: str,
    changed: dict[str, str | None],
    template: int,
    first: int,
    last: int,
) -> None:
    columns = [
        name
        for (name,) in connection.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        ).fetchall()
        if changed.get(name, "") is not None
    ]
    values = [changed.get(name) or f"t.{name}" for name in columns]
    connection.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {table} t, "
        "generate_series(%s::bigint, %s::bigint) AS g WHERE t.id = %s",
        [first, last, template],
    )
