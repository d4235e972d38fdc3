"""Backing up the site (database, media files) into one archive, and restoring it.

The archive is a tar.gz of:

- `database.dump` (PostgreSQL, pg_dump's custom format) or `database.sqlite3`;
- `media/<name>` for every file in the default storage;
- `keys/<kid>.pem`, the issuer's signing keys, only when asked for;
- `manifest.json`, written last: when and from what it was made (vendor,
  applied migrations, package versions), the rows of every table and the
  SHA-256 and size of every other member.

A restore checks every member against the manifest and refuses, writing
nothing, unless the archive is whole and the database empty.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from django.apps import apps
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.utils import validate_file_name
from django.db import connection, transaction
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media/"
KEYS = "keys/"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
PACKAGES = ["integridad-cajamarca", "Django", "wagtail"]
CHUNK = 1024 * 1024


class BackupError(Exception):
    """Why a backup or a restore could not be made; nothing was restored."""


def back_up(*, path: Path, include_keys: bool, now: datetime) -> dict:
    """Write the archive at `path` and return its manifest.

    The database is dumped before the media files are copied: a file is
    stored before the row naming it commits, so every file the dump names is
    in the archive, unless it was deleted in between (a PDF rendered again).
    """
    vendor = _vendor()
    if not connection.introspection.table_names():
        raise BackupError(
            _("The database %(name)s has no tables: there is nothing to back up.")
            % {"name": connection.settings_dict["NAME"]}
        )
    partial = path.with_name(path.name + ".partial")
    try:
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / DATABASE_FILES[vendor]
            state = _dump(vendor, dump)
            with _private_file(partial) as raw:
                with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                    manifest = _write_members(
                        tar, dump=dump, include_keys=include_keys, now=now
                    )
                    manifest |= {"created_at": now.isoformat(), **state}
                    data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                    _add(tar, MANIFEST, io.BytesIO(data), len(data), now=now)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def restore(*, path: Path) -> dict:
    """Restore the archive into the empty database and the media storage.

    Every check comes before the first write: a damaged or foreign archive,
    a database with tables or media names already taken change nothing.
    """
    vendor = _vendor()
    with _readable(path):
        tar = tarfile.open(path, "r:gz")
    with tar, tempfile.TemporaryDirectory() as scratch:
        with _readable(path):
            manifest = _read_manifest(tar)
            dump = _check_members(tar, manifest, scratch=Path(scratch))
        _check_target(manifest, vendor=vendor)
        _load(vendor, dump, manifest)
        _check_counts(manifest)
        for member in tar.getmembers():
            _restore_file(tar, member)
    return manifest


def summary(manifest: dict) -> dict[str, int]:
    """Return the figures of a manifest that an operator reads."""
    return {
        "rows": sum(manifest["rows"].values()),
        "tables": len(manifest["rows"]),
        # What the site exists to keep, counted apart.
        "certificates": manifest["rows"].get("certificates.certificate", 0),
        "media": sum(name.startswith(MEDIA) for name in manifest["files"]),
    }


def pending_migrations() -> int:
    """Return how many of this code's migrations the database has not applied."""
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def media_names(folder: str = "") -> Iterator[str]:
    """Yield the name of every file in the default storage, folder by folder."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no media folder yet
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for child in sorted(folders):
        yield from media_names(f"{folder}{child}/")


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


# Writing the archive


def _dump(vendor: str, dump: Path) -> dict:
    """Dump the database to `dump`; return its state at that moment."""
    if vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(dump)) as copy:
            connection.connection.backup(copy)
            return {"database": {"vendor": vendor}, **_state(copy.cursor())}
    pg_dump = _client("pg_dump")
    server = connection.pg_version // 10000
    if pg_dump < server:
        raise BackupError(
            _(
                "pg_dump %(client)s cannot dump a PostgreSQL %(server)s server: "
                "install postgresql-client-%(server)s."
            )
            % {"client": pg_dump, "server": server}
        )
    # Counts and dump read one snapshot, so they agree on a live site.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        [snapshot] = cursor.fetchone()
        state = _state(cursor)
        _run(
            "pg_dump",
            "--format=custom",
            # Owners and grants name roles the restoring server may not have.
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={dump}",
        )
    return {"database": {"vendor": vendor, "pg_dump": pg_dump}, **state}


def _state(cursor) -> dict:
    """Return the applied migrations, row counts and package versions."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return {
        "migrations": [list(row) for row in cursor.fetchall()],
        "rows": _row_counts(cursor),
        "versions": {name: metadata.version(name) for name in PACKAGES},
    }


def _row_counts(cursor) -> dict[str, int]:
    """Return the rows of each model's table, by model label."""
    tables = set(connection.introspection.table_names(cursor))
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in tables and not model._meta.proxy:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[model._meta.label_lower] = cursor.fetchone()[0]
    return counts


def _write_members(
    tar: tarfile.TarFile, *, dump: Path, include_keys: bool, now: datetime
) -> dict:
    files = {}
    with dump.open("rb") as file:
        files[dump.name] = _add(tar, dump.name, file, dump.stat().st_size, now=now)
    for name in media_names():
        with default_storage.open(name, "rb") as file:
            size = default_storage.size(name)
            files[MEDIA + name] = _add(tar, MEDIA + name, file, size, now=now)
    keys = sorted(Path(settings.CERTIFICATE_KEYS_DIR).glob("*.pem"))
    for key in keys if include_keys else []:
        with key.open("rb") as file:
            files[KEYS + key.name] = _add(
                tar, KEYS + key.name, file, key.stat().st_size, now=now
            )
    return {"format": FORMAT, "files": files, "includes_keys": include_keys}


def _add(
    tar: tarfile.TarFile, name: str, file: BinaryIO, size: int, *, now: datetime
) -> dict:
    """Add a member read from `file`; return its size and SHA-256."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, now.timestamp()
    hashing = _Hashing(file)
    tar.addfile(info, hashing)
    return {"size": size, "sha256": hashing.digest.hexdigest()}


class _Hashing:
    """A file reader that hashes what is read through it."""

    def __init__(self, file: BinaryIO):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        return data


@contextmanager
def _readable(path: Path) -> Iterator[None]:
    """Turn a damaged or truncated archive into a BackupError."""
    try:
        yield
    except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
        raise BackupError(
            _("Cannot read %(path)s as a backup archive: %(error)s")
            % {"path": path, "error": error}
        ) from error


@contextmanager
def _private_file(path: Path) -> Iterator[BinaryIO]:
    # The archive holds personal data and password hashes: owner only.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        yield file


# Restoring


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
        readable = (
            manifest["format"] == FORMAT
            and isinstance(manifest["files"], dict)
            and isinstance(manifest["rows"], dict)
            and isinstance(manifest["migrations"], list)
            and manifest["database"]["vendor"] in DATABASE_FILES
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        readable = False
    if not readable:
        raise BackupError(_("The archive has no manifest this version can read."))
    return manifest


def _check_members(tar: tarfile.TarFile, manifest: dict, *, scratch: Path) -> Path:
    """Hash every member against the manifest; return the extracted dump."""
    expected = dict(manifest["files"])
    dump_name = DATABASE_FILES.get(manifest["database"]["vendor"])
    if dump_name not in expected:
        raise BackupError(_("The archive holds no database dump."))
    for member in tar.getmembers():
        if member.name == MANIFEST:
            continue
        entry = expected.pop(member.name, None)
        if entry is None or not member.isfile() or not _safe_name(member.name):
            raise BackupError(
                _("The archive holds %(name)s, which its manifest does not list.")
                % {"name": member.name}
            )
        target = scratch / dump_name if member.name == dump_name else None
        if _sha256(tar.extractfile(member), copy_to=target) != entry["sha256"]:
            raise BackupError(
                _(
                    "%(name)s does not match its SHA-256 in the manifest: the "
                    "archive is damaged."
                )
                % {"name": member.name}
            )
    if expected:
        raise BackupError(
            _("The archive lacks %(names)s, which its manifest lists.")
            % {"names": ", ".join(sorted(expected))}
        )
    return scratch / dump_name


def _safe_name(name: str) -> bool:
    if name.startswith(KEYS):
        return name.count("/") == 1 and name.endswith(".pem")
    if name.startswith(MEDIA):
        try:
            validate_file_name(name[len(MEDIA) :], allow_relative_path=True)
        except SuspiciousFileOperation:
            return False
        return True
    return name in DATABASE_FILES.values()


def _sha256(file: BinaryIO, *, copy_to: Path | None) -> str:
    digest = hashlib.sha256()
    with copy_to.open("wb") if copy_to else nullcontext() as copy:
        while data := file.read(CHUNK):
            digest.update(data)
            if copy:
                copy.write(data)
    return digest.hexdigest()


def _check_target(manifest: dict, *, vendor: str) -> None:
    """Refuse a restore that would mix the backup with what is already here."""
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            _("The archive holds a %(archive)s database; this site uses %(site)s.")
            % {"archive": manifest["database"]["vendor"], "site": vendor}
        )
    unknown = {tuple(pair) for pair in manifest["migrations"]} - set(
        MigrationLoader(None).disk_migrations
    )
    if unknown:
        raise BackupError(
            _(
                "The backup was made by a newer version of the code (migrations "
                "%(names)s are unknown here): restore it with that version."
            )
            % {"names": ", ".join(sorted(".".join(pair) for pair in unknown)[:5])}
        )
    tables = connection.introspection.table_names(include_views=True)
    if tables:
        raise BackupError(
            _(
                "The database %(name)s is not empty (%(count)s tables): restore "
                "only into a new, empty database."
            )
            % {"name": connection.settings_dict["NAME"], "count": len(tables)}
        )
    taken = [
        name
        for name in manifest["files"]
        if name.startswith(MEDIA) and default_storage.exists(name[len(MEDIA) :])
    ]
    if taken:
        raise BackupError(
            _("The media storage already holds %(names)s: restore into empty media.")
            % {"names": ", ".join(name[len(MEDIA) :] for name in taken[:5])}
        )
    keys_dir = Path(settings.CERTIFICATE_KEYS_DIR)
    for name, entry in manifest["files"].items():
        key = keys_dir / name[len(KEYS) :]
        if not name.startswith(KEYS) or not key.exists():
            continue
        if _sha256_of(key) != entry["sha256"]:
            raise BackupError(
                _("%(path)s exists and differs from the backup's key.") % {"path": key}
            )


def _sha256_of(path: Path) -> str:
    with path.open("rb") as file:
        return _sha256(file, copy_to=None)


def _load(vendor: str, dump: Path, manifest: dict) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(dump)) as source:
            source.backup(connection.connection)
        return
    made_by = manifest["database"].get("pg_dump", 0)
    if (pg_restore := _client("pg_restore")) < made_by:
        raise BackupError(
            _(
                "pg_restore %(client)s cannot read a dump of pg_dump %(dump)s: "
                "install postgresql-client-%(dump)s."
            )
            % {"client": pg_restore, "dump": made_by}
        )
    _run(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(dump),
    )


def _check_counts(manifest: dict) -> None:
    """Compare every table's rows with the backup's, to catch a partial load."""
    with connection.cursor() as cursor:
        restored = _row_counts(cursor)
    differ = [
        label
        for label, count in manifest["rows"].items()
        if restored.get(label, count) != count
    ]
    if differ:
        raise BackupError(
            _("The restored rows differ from the backup's in %(tables)s.")
            % {"tables": ", ".join(differ)}
        )


def _restore_file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> None:
    if member.name.startswith(MEDIA):
        name = member.name[len(MEDIA) :]
        saved = default_storage.save(name, File(tar.extractfile(member), name=name))
        if saved != name:
            raise BackupError(
                _("The storage saved %(name)s as %(saved)s.")
                % {"name": name, "saved": saved}
            )
    elif member.name.startswith(KEYS):
        keys_dir = Path(settings.CERTIFICATE_KEYS_DIR)
        keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = keys_dir / member.name[len(KEYS) :]
        if path.exists():  # the same key, checked in _check_target
            return
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            shutil.copyfileobj(tar.extractfile(member), file)


# PostgreSQL's client programs


def _client(program: str) -> int:
    """Return the major version of pg_dump or pg_restore on the PATH."""
    if shutil.which(program) is None:
        raise BackupError(
            _("%(program)s is not installed: install postgresql-client.")
            % {"program": program}
        )
    output = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"\) (\d+)", output).group(1))


def _run(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the configured database.

    The password goes in the environment (PGPASSWORD, as Django's dbshell
    does), never on the command line where other users could read it.
    """
    database = connection.settings_dict
    _psql, env = DatabaseClient.settings_to_cmd_args_env(database, [])
    options = [f"--dbname={database['NAME']}", "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options.append(f"{option}={database[key]}")
    result = subprocess.run(
        [program, *options, *arguments],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": result.stderr.strip()}
        )
