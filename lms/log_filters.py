"""Filters that shape log lines before they reach the console."""

import logging


class RedisOutage(logging.Filter):
    """Turn django-redis's traceback for an ignored error into one warning.

    While Redis is down every cache call fails the same way; a line per call
    naming the error says so without pages of identical tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.msg, record.args = "Redis unreachable, cache call skipped: %s", (error,)
        record.exc_info = record.exc_text = None
        return True
