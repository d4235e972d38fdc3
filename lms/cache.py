"""The Redis cache as the site uses it: an outage degrades, it does not lock out."""

from __future__ import annotations

import logging

from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class OutageTolerantRedisCache(RedisCache):
    """django-redis with `add` answering "stored" while Redis is unreachable.

    With IGNORE_EXCEPTIONS a failed call returns None. For `add` that reads as
    "someone else holds the key", so allauth's rate-limit lock refused every
    login (429) and every authenticator code during an outage. The issue asks
    the opposite: rate limits degrade and people keep working. Limits, the
    code-replay guard and the import's double-submit guard are off until Redis
    is back; /healthz reports the outage meanwhile.
    """

    def add(self, *args, **kwargs):
        added = super().add(*args, **kwargs)
        return True if added is None else added

    def count_in_window(self, key: str, seconds: int) -> int | None:
        """Count one more in `key`, which expires `seconds` after its first count.

        INCR and EXPIRE NX go in one MULTI, sent at once: one round trip where
        django-redis's add and incr took two (and sent incr's Lua script's
        text each time). EXPIRE NX needs Redis 7.
        """
        key = self.client.make_key(key)
        try:
            with self.client.get_client(write=True).pipeline() as pipeline:
                count, _expiry = (
                    pipeline.incr(key).expire(key, seconds, nx=True).execute()
                )
        except (RedisConnectionError, RedisTimeoutError) as error:
            # As django-redis logs the calls it skips (DJANGO_REDIS_LOGGER).
            logger.warning("Redis unreachable, cache call skipped: %s", error)
            return None
        return count


def count_in_window(key: str, seconds: int) -> int | None:
    """Count one more in `key` for a fixed window of `seconds`; return the count.

    None when Redis is unreachable: callers leave their limit open then.
    """
    cache = caches["default"]
    if isinstance(cache, OutageTolerantRedisCache):
        return cache.count_in_window(key, seconds)
    # The in-memory cache of a single process (the demo, most tests).
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the entry expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return 1
