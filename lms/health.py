"""Whether the services every request leans on answer: database, cache, queue.

Load balancers and monitors read the result at /healthz, so it names
services and counts, never a person, a host name or a password.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import django_rq
from django.core.cache import caches
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task_backends
from django_tasks_rq import RQBackend
from redis.exceptions import RedisError
from rq import Worker

Check = dict[str, Any]


def database_health(alias: str = "default") -> Check:
    """Run a real query on the database."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "vendor": connection.vendor}


def cache_health(alias: str = "default") -> Check:
    """Store a unique value and read it back.

    The Redis cache ignores its errors so that pages keep serving, which
    makes an outage show up here as a value that does not come back.
    """
    cache = caches[alias]
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    # Each backend raises its own client's errors (redis, memcached, ...).
    except Exception as error:
        return {"ok": False, "error": type(error).__name__}
    return {"ok": ok, "backend": type(cache).__name__}


def queue_health(alias: str = "default") -> Check:
    """Ping the task queue's Redis and count what waits there.

    Workers may run on other machines, so how many are alive is told but
    does not make this web server unhealthy.
    """
    backend = task_backends[alias]
    name = type(backend).__name__.removesuffix("Backend").lower()
    if not isinstance(backend, RQBackend):
        # The immediate backend runs tasks in the request: nothing to reach.
        return {"ok": True, "backend": name}
    waiting, workers = 0, 0
    try:
        for queue in map(django_rq.get_queue, sorted(backend.queues)):
            queue.connection.ping()
            waiting += queue.count
            workers += Worker.count(queue=queue)
    except RedisError as error:
        return {"ok": False, "backend": name, "error": type(error).__name__}
    return {"ok": True, "backend": name, "waiting": waiting, "workers": workers}


def health() -> dict[str, Any]:
    """Check every service; the status is "ok" only when all of them are."""
    checks = {
        "database": database_health(),
        "cache": cache_health(),
        "queue": queue_health(),
    }
    healthy = all(check["ok"] for check in checks.values())
    return {"status": "ok" if healthy else "error", "checks": checks}


logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, cache and queue all work, else 503."""
    report = health()
    if report["status"] == "ok":
        return JsonResponse(report)
    down = [name for name, check in report["checks"].items() if not check["ok"]]
    logger.warning("Health check failed: %s", ", ".join(down))
    response = JsonResponse(report, status=503)
    # The warning above says which service is down; Django's own error line
    # for every 503 would repeat it on each probe.
    response._has_been_logged = True
    return response
