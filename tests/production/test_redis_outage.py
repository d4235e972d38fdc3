"""With Redis down the site keeps serving, and certificates wait for its return.

Redis holds the cache, the rate-limit counters and the task queue. Killed
(tests/production/stack.py runs a Redis of its own), it takes the queued
jobs with it; the completion a learner makes meanwhile is recorded, and
its certificate is delivered by the recovery sweep once Redis is back.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from tests.production.stack import TASK_SECONDS, needs_postgresql, wait_for
from tests.production.visitor import LOGIN_PATH, sign_in

pytestmark = needs_postgresql


def verdict(stack, code: str) -> tuple[int, list[str], str]:
    """Status code, the verdict's classes and the JSON answer's status."""
    page = stack.get(f"/verificar/{code}/")
    found = BeautifulSoup(page.text, "html.parser").select_one(".verdict")
    answer = stack.get(f"/api/v1/certificates/{code}")
    assert answer.status_code == 200, answer.text
    return page.status_code, found["class"] if found else [], answer.json()["status"]


def test_with_redis_down_pages_serve_and_certificates_are_delivered_on_its_return(
    stack,
):
    course_path = stack.course["path"]
    stack.redis.kill()
    try:
        health = stack.get("/healthz")
        assert health.status_code == 503
        checks = health.json()["checks"]
        assert checks["database"]["ok"]
        assert not checks["cache"]["ok"] and not checks["queue"]["ok"]

        for path in ("/", course_path, LOGIN_PATH):
            assert stack.get(path).status_code == 200, path
        # A learner logs in (the rate limits count nothing meanwhile) and
        # completes the course without seeing an error.
        learner = sign_in(stack)
        result = learner.visitor.complete_course()
        assert result.status_code == 200
        [(code, pdf, delivered_at)] = learner.certificates()
        assert (pdf, delivered_at) == ("", None)
        assert verdict(stack, code) == (200, ["verdict", "verdict-valid"], "valid")
    finally:
        stack.redis.start()

    wait_for(
        lambda: stack.get("/healthz").status_code == 200,
        what="/healthz to report Redis back",
        seconds=TASK_SECONDS,
    )
    # The job queued while Redis was down is lost; cron's sweep queues it.
    assert "1" in stack.manage("deliver_pending_certificates")
    wait_for(
        lambda: learner.certificates()[0][2],
        what="the worker to deliver the certificate",
        seconds=TASK_SECONDS,
    )
    [(code, pdf, _delivered_at)] = learner.certificates()
    assert pdf == f"certificados/{code}.pdf"
    assert stack.emails_with(f"{code}.pdf") == 1
