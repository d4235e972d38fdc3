"""After PostgreSQL restarts, the web and task workers reconnect by themselves.

gunicorn's workers keep their connections between requests
(DATABASE_CONN_MAX_AGE); a restart breaks them all. The connection is
checked before a request reuses it, so not one request fails.
"""

from __future__ import annotations

from tests.production.stack import TASK_SECONDS, needs_postgresql, wait_for

pytestmark = needs_postgresql

REQUESTS_PER_PATH = 6


def test_after_a_database_restart_no_request_fails_and_jobs_still_run(stack, learner):
    paths = [stack.course["path"], "/healthz", "/verificar/"]
    # Enough requests that each gunicorn worker holds a connection.
    for path in paths * REQUESTS_PER_PATH:
        assert stack.get(path).status_code == 200, path

    stack.postgres.restart()

    statuses = [stack.get(path).status_code for path in paths * REQUESTS_PER_PATH]
    assert statuses == [200] * len(statuses)
    # The learner's session (kept in the database) and the task worker's
    # connection survive the restart too.
    result = learner.visitor.complete_course()
    assert result.status_code == 200
    wait_for(
        lambda: learner.certificates()[0][2],
        what="the worker to deliver the certificate",
        seconds=TASK_SECONDS,
    )
