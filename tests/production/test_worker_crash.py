"""A task worker killed while it renders a PDF loses neither nor doubles it.

RQ leaves a job whose worker died among the started ones and then fails
it; it never runs it again by itself. The next worker starts with the
recovery sweep (scripts/worker.sh), which queues the delivery again.
"""

from __future__ import annotations

import signal

from tests.production.stack import TASK_SECONDS, needs_postgresql, wait_for

pytestmark = needs_postgresql


def test_a_worker_killed_mid_render_leaves_the_certificate_to_the_next_worker(
    stack, learner
):
    # Paused, the worker leaves the delivery job waiting in the queue.
    stack.signal_worker(signal.SIGSTOP)
    try:
        learner.visitor.complete_course()
        [(code, pdf, delivered_at)] = learner.certificates()
        assert (pdf, delivered_at) == ("", None)

        stack.signal_worker(signal.SIGCONT)
        wait_for(
            stack.started_jobs,
            what="the worker to take the delivery job",
            seconds=TASK_SECONDS,
            every=0.01,
        )
        # Frozen mid-job: nothing stored or sent yet, then killed outright.
        stack.signal_worker(signal.SIGSTOP)
        assert learner.certificates() == [(code, "", None)]
    finally:
        stack.signal_worker(signal.SIGKILL)
        stack.worker.wait(timeout=TASK_SECONDS)
        stack.start_worker()

    wait_for(
        lambda: learner.certificates()[0][2],
        what="the new worker to deliver the certificate",
        seconds=TASK_SECONDS,
    )
    # Still one certificate for this person and course, stored and sent once.
    [(again, pdf, _delivered_at)] = learner.certificates()
    assert (again, pdf) == (code, f"certificados/{code}.pdf")
    assert stack.emails_with(f"{code}.pdf") == 1
