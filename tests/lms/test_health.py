import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from lms.lib.emails import send_email

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: a connection there fails at once, as to a
# server that is down.
CLOSED_REDIS = "redis://127.0.0.1:1/0"
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}


def redis_cache(url: str) -> dict:
    """The production cache (see lms.settings.base) on the given Redis."""
    return {
        "default": {
            "BACKEND": "lms.cache.OutageTolerantRedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_TIMEOUT,
                "SOCKET_TIMEOUT": settings.REDIS_TIMEOUT,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }


def health(client):
    return client.get(reverse("healthz"))


def test_all_services_up_is_200_with_each_check(client):
    response = health(client)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": {"ok": True, "vendor": connection.vendor},
            "cache": {"ok": True, "backend": "LocMemCache"},
            "queue": {"ok": True, "backend": "immediate"},
        },
    }


def test_no_proxy_or_browser_keeps_an_answer(client):
    assert "no-store" in health(client)["Cache-Control"]


def test_the_check_needs_no_login_and_no_https_redirect(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    assert health(client).status_code == 200


def test_redis_cache_and_queue_up_is_200_and_counts_waiting_tasks(
    client, settings, redis_url
):
    settings.CACHES = redis_cache(redis_url)
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": redis_url}}
    send_email.enqueue("rosa@example.pe", "Recordatorio", "Su curso vence pronto.")

    response = health(client)

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["cache"] == {"ok": True, "backend": "OutageTolerantRedisCache"}
    assert checks["queue"] == {"ok": True, "backend": "rq", "waiting": 1, "workers": 0}


def test_cache_down_is_503_while_the_database_is_fine(client, settings):
    settings.CACHES = redis_cache(CLOSED_REDIS)

    response = health(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["queue"]["ok"] is True


def test_queue_down_is_503(client, settings):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": CLOSED_REDIS}}

    response = health(client)

    assert response.status_code == 503
    assert response.json()["checks"]["queue"] == {
        "ok": False,
        "backend": "rq",
        "error": "ConnectionError",
    }
    assert response.json()["checks"]["cache"]["ok"] is True


def test_a_failing_check_is_one_warning_not_an_error_per_probe(
    client, settings, caplog
):
    settings.CACHES = redis_cache(CLOSED_REDIS)

    health(client)

    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("lms.health", "WARNING", "Health check failed: cache")
    ]


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/integridad",
        "sqlite:////nonexistent-folder/integridad.sqlite3",
    ],
    ids=["postgresql", "sqlite"],
)
def test_database_down_is_503_with_the_other_checks_up(database_url):
    # A server process of its own: the test database must stay reachable.
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.test",
            "DATABASE_URL": database_url,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )

    answer = json.loads(result.stdout)
    assert answer["status"] == 503, result.stderr
    assert answer["body"]["checks"]["database"] == {
        "ok": False,
        "error": "OperationalError",
    }
    assert answer["body"]["checks"]["cache"]["ok"] is True
    assert answer["body"]["checks"]["queue"]["ok"] is True
