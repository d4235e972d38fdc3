"""The demo's SQLite takes two writers at once, as the demo server meets them.

An editor saves a page while a task writes the search index: each opens a
transaction, reads, then writes. With SQLite's defaults the second writer
fails at once with "database is locked" (a 500); with the settings'
`SQLITE_OPTIONS` it waits for the first. The database is a file of its own,
so this runs whatever database the suite uses.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError, connections, transaction

ALIAS = "demo_file"


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """Open a file database under ALIAS with the given options; close it after."""

    def open_with(options: dict) -> None:
        connections.settings[ALIAS] = connections.configure_settings(
            {
                "default": connections.settings["default"],
                ALIAS: {
                    "ENGINE": "django.db.backends.sqlite3",
                    "NAME": str(tmp_path / "demo.sqlite3"),
                    "OPTIONS": options,
                },
            }
        )[ALIAS]
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE page (title text)")

    with django_db_blocker.unblock():
        yield open_with
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def two_writers_at_once() -> list[Exception]:
    """Run two transactions that read, pause, then write; return their errors."""
    # Without the settings both read before either writes. With them the
    # second waits at BEGIN for the first's lock: the first stops waiting
    # for it after a second and goes on.
    both_read = threading.Barrier(2, timeout=1)
    errors = []

    def save(title: str) -> None:
        try:
            with transaction.atomic(using=ALIAS):
                with connections[ALIAS].cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM page")
                    try:
                        both_read.wait()
                    except threading.BrokenBarrierError:
                        pass
                    time.sleep(0.2)
                    cursor.execute("INSERT INTO page VALUES (%s)", [title])
        except OperationalError as error:
            errors.append(error)
        finally:
            connections[ALIAS].close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("uno", "dos")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_with_sqlites_defaults_the_second_writer_fails(sqlite_file):
    """The failure the settings prevent, shown on the same two writers."""
    sqlite_file({})

    assert [str(error) for error in two_writers_at_once()] == ["database is locked"]


def test_with_the_settings_both_writers_save(sqlite_file):
    sqlite_file(settings.SQLITE_OPTIONS)

    assert two_writers_at_once() == []
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM page")
        assert cursor.fetchone() == (2,)
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
