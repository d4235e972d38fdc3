"""The database backend of lms.settings with PostgreSQL (its ENGINE).

Django checks a kept connection (CONN_HEALTH_CHECKS) before a request
reuses it by sending `SELECT 1` and waiting for the answer: one round trip
more on every request, as many as the verification API needs for its
answer. An idle connection has nothing to read, unless the server has
closed it (a restart, a terminated backend, an idle timeout) and sent its
last words: so a socket with nothing to read is in use without asking, and
only a socket with something waiting is asked with Django's `SELECT 1`.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        # poll, not select: select refuses descriptors above 1023.
        socket = select.poll()
        socket.register(self.connection.fileno(), select.POLLIN)
        return not socket.poll(0) or super().is_usable()
