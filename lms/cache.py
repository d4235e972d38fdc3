"""The Redis cache as the site uses it: an outage degrades, it does not lock out."""

from django_redis.cache import RedisCache


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
