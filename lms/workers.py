"""The task worker that production runs (`manage.py rqworker`, settings RQ)."""

from __future__ import annotations

import functools
import logging

import redis
from rq import Worker

logger = logging.getLogger(__name__)
# What redis-py raises when Redis has gone: refused, reset, or no answer.
OUTAGE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def _through_outages(method):
    """Let a worker's bookkeeping call fail while Redis is away, and go on."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
        ) as error:
            logger.warning("Redis unreachable (%s): %s skipped", error, method.__name__)
            return None

    return wrapper


class OutageTolerantWorker(Worker):
    """An RQ worker that outlives a Redis outage and is back within seconds.

    RQ retries its blocking pop while Redis is down, but quits the moment its
    bookkeeping meets the outage (its heartbeat, its suspension check, its
    registry cleaning, the "idle" state it writes before each pop: after each
    job, at every turn of its loop): the certificates earned meanwhile then
    waited for someone to restart the worker. Those calls are skipped
    instead, so the pop's own retry waits for Redis; and that retry backs off
    to 5 seconds, not RQ's minute, so delivery resumes promptly.
    """

    max_connection_wait_time = 5.0

    check_for_suspension = _through_outages(Worker.check_for_suspension)
    heartbeat = _through_outages(Worker.heartbeat)
    run_maintenance_tasks = _through_outages(Worker.run_maintenance_tasks)
    set_state = _through_outages(Worker.set_state)
