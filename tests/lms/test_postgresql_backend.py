"""A kept connection is reused without a round trip; one the server ended is not.

That every request succeeds across a real restart is
tests/production/test_database_restart.py's to show.
"""

import pytest
from django.db import connection

pytestmark = [
    # Transactional: a test ends a connection. Its rows come back serialized,
    # as the tests that load them after it expect (a plain flush recreates the
    # content types under new ids).
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="checks lms.postgresql, the PostgreSQL backend; set DATABASE_URL "
        "to a PostgreSQL database (CI does) to run it",
    ),
]


@pytest.fixture
def kept_connection():
    connection.ensure_connection()
    yield connection.connection
    connection.close()


def test_a_live_idle_connection_is_usable_without_a_statement(
    kept_connection, monkeypatch
):
    def no_statement(*args, **kwargs):
        raise AssertionError("the check sent a statement")

    monkeypatch.setattr(kept_connection, "execute", no_statement)

    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable(kept_connection):
    [(pid,)] = connection.cursor().execute("SELECT pg_backend_pid()").fetchall()
    # Another session ends this one, as a server restart or an administrator
    # does, and waits until it has ended.
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])
    finally:
        other.close()

    assert not connection.is_usable()
