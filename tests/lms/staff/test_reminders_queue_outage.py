"""Reminders the task queue could not take are sent by the next run, not lost."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from redis.exceptions import ConnectionError as RedisConnectionError

from lms.models import Reminder
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def send_reminders(today: str) -> str:
    out = StringIO()
    call_command("send_reminders", f"--today={today}", stdout=out)
    return out.getvalue()


def test_a_run_with_the_queue_down_fails_and_records_nothing_as_sent(
    units, induction, settings, english, queue_down
):
    staff = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))

    with pytest.raises(RedisConnectionError):
        send_reminders("2026-03-31")
    assert not Reminder.objects.exists()

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    assert "On the due date: 1" in send_reminders("2026-03-31")
    [reminder] = mail.outbox
    assert reminder.to == [staff.email]
