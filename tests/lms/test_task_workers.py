"""With REDIS_URL set, tasks wait in Redis until `manage.py rqworker` runs them."""

import os
import socket
import subprocess
import sys

import pytest
import redis
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from rq import Queue, Worker
from rq.utils import import_attribute
from rq.worker import WorkerStatus

from lms.lib.emails import send_email
from lms.workers import OUTAGE, OutageTolerantWorker


@pytest.fixture
def rq_backend(settings, redis_url):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    settings.RQ = {"JOB_CLASS": "django_tasks_rq.Job"}


def run_worker(settings, redis_url: str) -> subprocess.CompletedProcess:
    """Run the README's worker command until the queue is empty."""
    return subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "REDIS_URL": redis_url,
            "DATABASE_URL": "",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


@pytest.mark.usefixtures("rq_backend")
def test_an_enqueued_email_waits_for_a_worker_and_the_worker_sends_it(
    settings, redis_url
):
    result = send_email.enqueue(
        "rosa@example.pe", "Recordatorio", "Su curso vence el 30/11/2026."
    )
    assert result.status == TaskResultStatus.READY

    worker = run_worker(settings, redis_url)

    assert worker.returncode == 0, worker.stderr
    assert "Subject: Recordatorio" in worker.stdout
    assert "To: rosa@example.pe" in worker.stdout
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert len(result.worker_ids) == 1


@pytest.fixture(params=["refused", "silent"])
def gone(request):
    """A Redis that has gone: its port refuses, or it accepts and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        if request.param == "silent":
            server.listen()
        yield redis.Redis(
            port=server.getsockname()[1], socket_connect_timeout=1, socket_timeout=0.2
        )


def cut_off(worker: Worker, gone: redis.Redis) -> Worker:
    """Point a worker made while Redis was up at a Redis that has gone."""
    worker.connection = gone
    for queue in worker.queues:
        queue.connection = gone
    return worker


@pytest.mark.parametrize(
    "call",
    [
        lambda worker: worker.heartbeat(),
        lambda worker: worker.check_for_suspension(burst=False),
        lambda worker: worker.run_maintenance_tasks(),
        lambda worker: worker.set_state(WorkerStatus.IDLE),
    ],
    ids=["heartbeat", "suspension check", "maintenance", "idle state"],
)
def test_the_worker_outlives_redis_going_away_between_jobs(call, redis_url, gone):
    """Plain RQ quits on these (a worker killed by any outage); this one goes on."""
    connection = redis.Redis.from_url(redis_url)
    queue = Queue("default", connection=connection)
    with pytest.raises(OUTAGE):
        call(cut_off(Worker([queue], connection=connection), gone))

    call(cut_off(OutageTolerantWorker([queue], connection=connection), gone))


# Dotted paths under which the release before lms/ was split by concern queued
# its jobs, and the task each must still run.
OLD_TASK_PATHS = {
    "lms.tasks.send_email": "lms.lib.emails.send_email",
    "lms.tasks.refresh_assignments": "lms.staff.assignments.refresh_assignments",
    "lms.editions.tasks.build_material_edition": (
        "lms.materials.editions.build_material_edition"
    ),
    "certificates.tasks.build_certificate_export": (
        "certificates.admin.exports.build_certificate_export"
    ),
}


@pytest.mark.parametrize(("old", "new"), OLD_TASK_PATHS.items())
def test_a_job_queued_under_an_old_path_finds_its_task(old, new):
    # What the RQ worker does with a job's stored path; new jobs store the new.
    assert import_attribute(old) is import_string(new)
    assert import_string(new).module_path == new


@pytest.mark.usefixtures("rq_backend")
def test_an_email_queued_by_the_previous_release_is_sent_by_this_one(
    settings, redis_url, monkeypatch
):
    # The job is stored as the previous release stored it: by its old path.
    monkeypatch.setattr(send_email.func, "__module__", "lms.tasks")
    assert send_email.module_path == "lms.tasks.send_email"
    result = send_email.enqueue("rosa@example.pe", "Recordatorio", "Su curso vence.")
    monkeypatch.undo()

    worker = run_worker(settings, redis_url)

    assert worker.returncode == 0, worker.stderr
    assert "Subject: Recordatorio" in worker.stdout
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
