"""With REDIS_URL set, tasks wait in Redis until `manage.py rqworker` runs them."""

import os
import subprocess
import sys

import pytest
from django_tasks import TaskResultStatus

from lms.tasks import send_email


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
