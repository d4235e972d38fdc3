"""Backups: an archive of the database and media files restores into a new,
empty site where every certificate verifies as before; nothing else is
overwritten and a damaged archive is refused.

The site is backed up in this process and restored by `manage.py` in another,
with DATABASE_URL, MEDIA_ROOT and CERTIFICATE_KEYS_DIR pointing at a new
database (SQLite file or PostgreSQL database, as the tests run on) and new
folders, as an operator would restore on a new machine.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from certificates.models import Certificate, RevocationReason
from certificates.revocation import revoke
from courses.models import Audience, CoursePage
from lms.learning.completions import record_completion
from lms.models import CompanyMember, Enrolment, Person
from tests.factories import UserFactory, approved_company

# The archive is read by another process, so the data must be committed;
# serialized_rollback restores the rows Wagtail's migrations create.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MANAGE = Path(settings.BASE_DIR) / "manage.py"


@dataclass
class NewSite:
    """A site on a new machine: an empty database, media and keys folders."""

    database_url: str
    media: Path
    keys: Path

    def manage(self, *arguments: str, **env: str) -> subprocess.CompletedProcess:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "DEBUG": "0",
            "SECRET_KEY": "restored-site-test-key",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": self.database_url,
            "MEDIA_ROOT": str(self.media),
            "CERTIFICATE_KEYS_DIR": str(self.keys),
            **env,
        }
        environment.pop("REDIS_URL", None)
        return subprocess.run(
            [sys.executable, str(MANAGE), *arguments],
            env=environment,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )

    def public_answers(self, codes: list[str]) -> dict:
        """Return public_answers() as this site gives them."""
        script = (
            "from django.test import Client; import json, os; "
            "from tests.lms.test_backup import public_answers; "
            "codes = json.loads(os.environ['CODES']); "
            "print(json.dumps(public_answers(Client(), codes)))"
        )
        shell = self.manage("shell", "-c", script, CODES=json.dumps(codes))
        assert shell.returncode == 0, shell.stderr
        return json.loads(shell.stdout.splitlines()[-1])

    def tables(self) -> int:
        database = dj_database_url.parse(self.database_url)
        if database["ENGINE"].endswith("sqlite3"):
            with closing(sqlite3.connect(database["NAME"])) as db:
                query = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                return db.execute(query).fetchone()[0]
        with _admin(database["NAME"]) as db:
            query = "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
            return db.execute(query).fetchone()[0]


def public_answers(client: Client, codes: list[str]) -> dict:
    """Return what the verification page and JSON say of each code."""
    answers = {}
    for code in codes:
        page = client.get(f"/verificar/{code}/")
        answer = client.get(f"/api/v1/certificates/{code}")
        details = answer.json()
        answers[code] = {
            "page": page.status_code,
            "page names the holder": details["holder_name"] in page.content.decode(),
            "json": answer.status_code,
            "status": details["status"],
            "holder": details["holder_name"],
            "pdf_sha256": details["pdf_sha256"],
        }
    return answers


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def keys_dir(settings, tmp_path) -> Path:
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "keys"
    call_command("create_issuer_key", stdout=StringIO())
    return settings.CERTIFICATE_KEYS_DIR


@pytest.fixture
def issued(media_root, keys_dir, course, learner) -> dict[str, Certificate]:
    """Rosa's and Luis's certificates of a business course, and their company's,
    issued as passing the course issues them; Luis's revoked."""
    CoursePage.objects.filter(pk=course.pk).update(
        audience=Audience.BUSINESSES, company_completions_required=2
    )
    rosa = Person.objects.create(
        user=learner,
        document_number="42388604",
        first_names="Rosa Elena",
        last_names="Quispe Huamán",
    )
    company = approved_company(
        ruc="20512333797",
        legal_name="Cafetalera San Ignacio S.A.C.",
        address="Jr. Amazonas 123, San Ignacio",
        representative=rosa,
    )
    colleague = UserFactory(first_name="Luis", last_name="Tapia", email="luis@e.pe")
    luis = Person.objects.create(
        user=colleague,
        document_number="45678912",
        first_names="Luis Alberto",
        last_names="Tapia Chávez",
    )
    CompanyMember.objects.create(
        company=company,
        email=colleague.email,
        invited_at=timezone.now(),
        invited_by=learner,
        person=luis,
        joined_at=timezone.now(),
    )
    for user in (colleague, learner):
        enrolment = Enrolment.objects.create(user=user, course_id=course.pk)
        record_completion(enrolment=enrolment, score=80, now=timezone.now())
    revoke(
        certificate=Certificate.objects.get(person=luis),
        reason=RevocationReason.FRAUD,
        by=UserFactory(email="oii@example.pe", is_staff=True),
        now=timezone.now(),
    )
    return {
        "valid": Certificate.objects.get(person=rosa, company=None),
        "revoked": Certificate.objects.get(person=luis),
        "company": Certificate.objects.get(company=company),
    }


@pytest.fixture
def archive(issued, tmp_path) -> Path:
    path = tmp_path / "backup.tar.gz"
    call_command("backup_site", str(path), stdout=StringIO())
    return path


@pytest.fixture
def new_site(tmp_path) -> Iterator[NewSite]:
    """A new site whose database is empty: of the kind the tests run on."""
    folders = {"media": tmp_path / "new-media", "keys": tmp_path / "new-keys"}
    if connection.vendor == "sqlite":
        yield NewSite(f"sqlite:///{tmp_path / 'new.sqlite3'}", **folders)
        return
    database = connection.settings_dict
    # Named after the test database, so parallel runs never share one.
    name = f"{database['NAME'].removeprefix('test_')}_restore_{secrets.token_hex(4)}"
    with _admin("postgres") as db:
        db.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    address = f"{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}"
    try:
        yield NewSite(f"postgres://{credentials}@{address}/{name}", **folders)
    finally:
        with _admin("postgres") as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(dbname: str) -> psycopg.Connection:
    database = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        autocommit=True,
    )


def test_a_backup_restores_into_an_empty_site_where_every_certificate_verifies(
    issued, archive, keys_dir, new_site, client
):
    codes = [certificate.code for certificate in issued.values()]
    before = public_answers(client, codes)
    assert [answer["status"] for answer in before.values()] == [
        "valid",
        "revoked",
        "valid",
    ]

    restored = new_site.manage("restore_site", str(archive))

    assert restored.returncode == 0, restored.stderr
    stored = sorted(path.name for path in (new_site.media / "certificados").iterdir())
    assert stored == sorted(f"{code}.pdf" for code in codes)
    # The keys are backed up apart: until they are back, no credential verifies.
    without_keys = new_site.manage("verify_certificates")
    assert without_keys.returncode == 1
    assert str(new_site.keys) in without_keys.stderr
    shutil.copytree(keys_dir, new_site.keys)
    verified = new_site.manage("verify_certificates")
    assert verified.returncode == 0, verified.stderr
    assert not any(code in verified.stderr for code in codes)
    assert new_site.public_answers(codes) == before


def test_the_archive_holds_the_signing_keys_only_when_asked(issued, tmp_path):
    without, with_keys = tmp_path / "without.tar.gz", tmp_path / "with.tar.gz"
    call_command("backup_site", str(without), stdout=StringIO())
    call_command("backup_site", str(with_keys), "--include-keys", stdout=StringIO())

    [kid] = [path.name for path in Path(settings.CERTIFICATE_KEYS_DIR).iterdir()]
    assert f"keys/{kid}" not in _members(without)
    assert f"keys/{kid}" in _members(with_keys)
    # The archive holds personal data: only its owner may read it.
    assert without.stat().st_mode & 0o777 == 0o600
    manifest = json.loads(_read(without, "manifest.json"))
    assert manifest["rows"]["certificates.certificate"] == 3
    assert manifest["includes_keys"] is False
    assert len([name for name in manifest["files"] if name.startswith("media/")]) == 3


def test_the_keys_in_an_archive_are_restored_with_it(issued, tmp_path, new_site):
    archive = tmp_path / "with-keys.tar.gz"
    call_command("backup_site", str(archive), "--include-keys", stdout=StringIO())

    assert new_site.manage("restore_site", str(archive)).returncode == 0
    [key] = new_site.keys.iterdir()
    assert (
        key.read_bytes()
        == (Path(settings.CERTIFICATE_KEYS_DIR) / key.name).read_bytes()
    )
    assert key.stat().st_mode & 0o777 == 0o600
    assert new_site.manage("verify_certificates").returncode == 0


def test_a_database_with_tables_is_refused_and_nothing_is_written(
    archive, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "empty-media"
    settings.CERTIFICATE_KEYS_DIR = tmp_path / "empty-keys"
    rows = Certificate.objects.count(), Person.objects.count()

    with pytest.raises(CommandError, match=re.escape(connection.settings_dict["NAME"])):
        call_command("restore_site", str(archive), stdout=StringIO())

    assert (Certificate.objects.count(), Person.objects.count()) == rows
    assert not (tmp_path / "empty-media").exists()
    assert not (tmp_path / "empty-keys").exists()


def test_a_damaged_archive_is_refused_before_anything_is_written(
    archive, issued, tmp_path, new_site
):
    damaged = tmp_path / "damaged.tar.gz"
    name = f"media/certificados/{issued['company'].code}.pdf"
    _rewrite(archive, damaged, name, lambda pdf: pdf.replace(b"%PDF", b"%PDX", 1))

    refused = new_site.manage("restore_site", str(damaged))

    assert refused.returncode == 1
    assert name in refused.stderr
    assert new_site.tables() == 0
    assert not new_site.media.exists()


def test_an_archive_cut_short_is_refused(archive, tmp_path):
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])

    with pytest.raises(CommandError, match=re.escape(str(cut))):
        call_command("restore_site", str(cut), stdout=StringIO())


def _members(archive: Path) -> list[str]:
    with tarfile.open(archive) as tar:
        return tar.getnames()


def _read(archive: Path, name: str) -> bytes:
    with tarfile.open(archive) as tar:
        return tar.extractfile(name).read()


def _rewrite(archive: Path, copy: Path, name: str, change) -> None:
    """Copy the archive with one member's bytes changed, its manifest kept."""
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == name:
                data = change(data)
            target.addfile(member, io.BytesIO(data))
