"""The production stack on this machine, for the stack, fault and load tests.

A PostgreSQL cluster and a Redis server of its own, on free ports, so a
test may stop or restart them without touching the machine's services;
then gunicorn (scripts/gunicorn.conf.py) and a task worker
(scripts/worker.sh) with lms.settings.production, DEBUG off, as
scripts/production.sh runs them. The content (a course and learner
accounts) is created by tests/production/content.py with those same
settings: no demo accounts with published passwords.
"""

from __future__ import annotations

import datetime
import glob
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from rq import Worker
from rq.registry import StartedJobRegistry

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
# Generous: the machine has two cores shared with whatever else runs.
START_SECONDS = 120
# Longest wait for a worker to finish a job (a PDF takes a second or two).
TASK_SECONDS = 120
COMMAND_SECONDS = 600
LEARNER_COUNT = 6
LEARNER_PASSWORD = "Integridad-Produccion-" + secrets.token_hex(4)
GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "scripts/gunicorn.conf.py"]
# Variables of the test run that must not leak into the stack's processes.
TEST_ONLY_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "TASKS_BACKEND",
)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs the production stack, which needs PostgreSQL and Redis; set "
    "DATABASE_URL to a PostgreSQL database (CI does) to run it",
)


def learner_email(number: int) -> str:
    return f"aprendiz{number}@example.pe"


def learner_number(email: str) -> int:
    return int(email.removeprefix("aprendiz").split("@")[0])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for(
    condition: Callable[[], Any], *, what: str, seconds: float, every: float = 0.2
) -> Any:
    """Poll until `condition` returns something truthy; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = condition()
        except (OSError, requests.RequestException, redis.RedisError, psycopg.Error):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {seconds:.0f} s waiting for {what}.")
        time.sleep(every)


def postgres_program(name: str) -> str:
    """Debian keeps pg_ctl and initdb off PATH, under the server's version."""
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
        None,
    )
    if found is None:
        raise RuntimeError(
            f"{name} not found: the stack tests start a PostgreSQL server of "
            "their own (apt-get install postgresql)."
        )
    return found


class PostgresCluster:
    """A throwaway PostgreSQL cluster listening on 127.0.0.1:`port`."""

    def __init__(self, port: int) -> None:
        self.port = port
        # Not under pytest's own folder, which only its owner may enter.
        self.directory = Path(tempfile.mkdtemp(prefix="integridad-pg-"))
        self.data = self.directory / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        # initdb refuses to run as root; the server runs as its own user.
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*as_postgres, *command],
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        if result.returncode:
            raise RuntimeError(f"{command} failed:\n{result.stdout}{result.stderr}")

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            postgres_program("initdb"),
            *("-D", str(self.data), "-U", "postgres", "-A", "trust"),
            *("-E", "UTF8", "--no-locale", "--no-sync"),
        )

    def _pg_ctl(self, action: str, *options: str) -> None:
        # fsync off: the cluster dies with the test; a clean shutdown (stop,
        # restart) still writes everything, which is what the tests need.
        server_options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses={HOST} "
            "-c fsync=off -c max_connections=50"
        )
        self._run(
            postgres_program("pg_ctl"),
            *("-D", str(self.data), "-l", str(self.directory / "server.log")),
            *("-w", "-t", str(START_SECONDS), "-o", server_options, action),
            *options,
        )

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        self._pg_ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def create_database(self, name: str) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')


class RedisServer:
    """A Redis server of the stack's own, which a test may kill and start again."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port = port
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        program = shutil.which("redis-server")
        if program is None:
            pytest.fail(
                "redis-server is not on PATH: run the README's test command, "
                "`bash scripts/test.sh`, which installs it with apt-get.",
                pytrace=False,
            )
        # Nothing persists: a restart loses every queued job, as a crash of
        # a Redis kept only in memory would.
        settings = ["--port", str(self.port), "--bind", HOST, "--save", ""]
        settings += ["--appendonly", "no", "--dir", str(self.directory)]
        with (self.directory / "redis.log").open("a") as log:
            self.process = subprocess.Popen(
                [program, *settings], stdout=log, stderr=subprocess.STDOUT
            )
        client = redis.Redis.from_url(self.url)
        wait_for(client.ping, what="Redis to answer", seconds=START_SECONDS)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=COMMAND_SECONDS)


def make_tls_files(directory: Path) -> tuple[Path, Path, Path]:
    """Write a CA and a certificate it signed for 127.0.0.1: (ca, cert, key)."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Stack test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return paths


class Stack:
    """gunicorn and a task worker with production settings, and their services.

    gunicorn speaks HTTPS itself, with a certificate from a CA made for the
    run which clients verify: secure cookies, HSTS and the HTTPS redirect
    then work as they do behind the real proxy, which terminates TLS.
    """

    def __init__(
        self, directory: Path, *, settings: dict[str, str] | None = None
    ) -> None:
        self.directory = directory
        self.port = free_port()
        self.base_url = f"https://{HOST}:{self.port}"
        self.postgres = PostgresCluster(free_port())
        self.redis = RedisServer(free_port(), directory)
        self.web: subprocess.Popen | None = None
        self.plain_web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.worker_logs: list[Path] = []
        self.ca, self.certificate, self.key = make_tls_files(directory)
        self.course: dict = {}
        self.learners_handed_out = 0
        self.env = {
            name: value
            for name, value in os.environ.items()
            if name not in TEST_ONLY_VARIABLES
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="lms.settings.production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=f"{HOST},localhost",
            CSRF_TRUSTED_ORIGINS=self.base_url,
            SITE_URL=self.base_url,
            DATABASE_URL=self.postgres.url("integridad"),
            # As scripts/production.sh sets it: connections outlive a request.
            DATABASE_CONN_MAX_AGE="60",
            REDIS_URL=self.redis.url,
            MEDIA_ROOT=str(directory / "media"),
            STATIC_ROOT=str(directory / "static"),
            CERTIFICATE_KEYS_DIR=str(directory / "keys"),
            # Each process writes the e-mails it sends to its log.
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            PORT=str(self.port),
            PYTHONUNBUFFERED="1",
            **(settings or {}),
        )

    # Services and processes.

    def start(self) -> None:
        self.postgres.create()
        self.postgres.start()
        self.postgres.create_database("integridad")
        self.redis.start()
        # collectstatic compresses every file and needs no database: it runs
        # while the migrations do.
        with (self.directory / "collectstatic.log").open("w") as log:
            collect = subprocess.Popen(
                [*self.manage_command("collectstatic", "--noinput")],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.manage("migrate", "--noinput")
        self.manage("create_issuer_key", "--if-missing")
        self.course = json.loads(
            self.run(
                [sys.executable, "-m", "tests.production.content"]
                + [learner_email(n) for n in range(1, LEARNER_COUNT + 1)],
                LEARNER_PASSWORD=LEARNER_PASSWORD,
            )
        )
        assert collect.wait(timeout=COMMAND_SECONDS) == 0, self.log("collectstatic")
        self.start_web()
        self.start_worker()

    def stop(self) -> None:
        for process in (self.web, self.plain_web, self.worker):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=COMMAND_SECONDS)
        self.redis.kill()
        self.postgres.stop()

    def start_web(self) -> None:
        command = [*GUNICORN, "--certfile", str(self.certificate)]
        command += ["--keyfile", str(self.key)]
        self.web = self._spawn(command, self.directory / "web.log")
        wait_for(
            lambda: self.get("/healthz").status_code in (200, 503),
            what="gunicorn to answer",
            seconds=START_SECONDS,
        )

    def serve_plain_http(self) -> str:
        """Start a second gunicorn speaking plain HTTP, as the proxy reaches it.

        Return its address. Clients must send `X-Forwarded-Proto: https`, as
        the proxy does, or be redirected to HTTPS.
        """
        address = f"{HOST}:{free_port()}"
        command = [*GUNICORN, "--bind", address]
        self.plain_web = self._spawn(command, self.directory / "web-plain.log")
        wait_for(
            lambda: requests.get(f"http://{address}/healthz", timeout=60).ok,
            what="the plain HTTP gunicorn to answer",
            seconds=START_SECONDS,
        )
        return f"http://{address}"

    def start_worker(self) -> None:
        """Start scripts/worker.sh (the sweep, then rqworker) as its own group."""
        log = self.directory / f"worker-{len(self.worker_logs) + 1}.log"
        self.worker_logs.append(log)
        self.worker = self._spawn(["bash", "scripts/worker.sh"], log)
        wait_for(
            lambda: self.worker.pid in {w.pid for w in self.rq_workers()},
            what="the task worker to listen",
            seconds=START_SECONDS,
        )

    def signal_worker(self, number: signal.Signals) -> None:
        """Send the signal to the worker and the job process it forked."""
        os.killpg(self.worker.pid, number)

    def _spawn(self, command: list[str], log_path: Path) -> subprocess.Popen:
        with log_path.open("a") as log:
            return subprocess.Popen(
                command,
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own process group, so a test can stop or kill it whole.
                start_new_session=True,
            )

    # Running commands and reading state.

    def manage_command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def manage(self, *args: str) -> str:
        return self.run(self.manage_command(*args))

    def run(self, command: list[str], **env: str) -> str:
        result = subprocess.run(
            command,
            cwd=REPO,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        assert result.returncode == 0, f"{command} failed:\n{result.stderr}"
        return result.stdout

    def query(self, sql: str, *params: Any) -> list[tuple]:
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as connection:
            return connection.execute(sql, params).fetchall()

    def rq_workers(self) -> list[Worker]:
        return Worker.all(connection=redis.Redis.from_url(self.redis.url))

    def started_jobs(self) -> list[str]:
        """Ids of the jobs a worker has taken and not finished."""
        connection = redis.Redis.from_url(self.redis.url)
        return StartedJobRegistry("default", connection=connection).get_job_ids()

    def log(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text(errors="replace")[-5000:]

    def emails_with(self, attachment: str) -> int:
        """How many e-mails the workers sent with this file attached."""
        marker = f'filename="{attachment}"'
        return sum(
            path.read_text(errors="replace").count(marker) for path in self.worker_logs
        )

    # Talking HTTP as a browser would.

    @property
    def verify(self) -> str:
        return str(self.ca)

    def get(self, path: str, **options: Any) -> requests.Response:
        return requests.get(
            self.base_url + path,
            verify=self.verify,
            timeout=60,
            **options,
        )

    def next_learner(self) -> str:
        """Return the e-mail of a learner no other test has used."""
        self.learners_handed_out += 1
        assert self.learners_handed_out <= LEARNER_COUNT, "raise LEARNER_COUNT"
        return learner_email(self.learners_handed_out)
