"""Counting in a window, as the verification rate limit does, on Redis and off it."""

import redis
from django.core.cache import cache

from lms.cache import count_in_window
from tests.lms.test_health import CLOSED_REDIS, redis_cache


def test_on_redis_each_count_is_one_round_trip_and_the_window_expires(
    settings, redis_url
):
    settings.CACHES = redis_cache(redis_url)
    server = redis.Redis.from_url(redis_url)
    calls_before = server.info("commandstats")

    counts = [count_in_window("verify:203.0.113.9", 60) for _n in range(3)]

    assert counts == [1, 2, 3]
    calls = server.info("commandstats")
    # One MULTI … EXEC per count, sent at once: no GET, SET or EVAL.
    for command in ("multi", "incrby", "expire", "exec"):
        done = calls[f"cmdstat_{command}"]["calls"]
        done -= calls_before.get(f"cmdstat_{command}", {"calls": 0})["calls"]
        assert done == 3, command
    assert not {"cmdstat_eval", "cmdstat_set", "cmdstat_get"} & (
        calls.keys() - calls_before.keys()
    )
    [key] = server.keys("*verify:203.0.113.9")
    # The window runs from the first count: later ones do not push it back.
    assert 0 < server.ttl(key) <= 60
    server.expire(key, 1, xx=True)
    count_in_window("verify:203.0.113.9", 60)
    assert server.ttl(key) <= 1


def test_with_redis_down_nothing_is_counted_and_one_warning_says_so(settings, caplog):
    settings.CACHES = redis_cache(CLOSED_REDIS)

    assert count_in_window("verify:203.0.113.9", 60) is None

    [record] = caplog.records
    assert (record.name, record.levelname) == ("lms.cache", "WARNING")
    assert record.getMessage().startswith("Redis unreachable, cache call skipped: ")
    assert record.exc_info is None


def test_in_memory_the_count_also_runs_from_the_first_one():
    cache.clear()

    assert [count_in_window("verify:198.51.100.7", 60) for _n in range(2)] == [1, 2]
    assert count_in_window("verify:198.51.100.8", 60) == 1
