"""The daily `send_reminders` command: sync first, then send, then say how many."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from lms.models import Assignment
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def command(django_capture_on_commit_callbacks, english):
    """Run the command as cron would on `today`; return what it printed."""

    def command(today: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", f"--today={today}", stdout=out)
        return out.getvalue()

    return command


def test_the_command_assigns_new_staff_before_reminding_them(
    command, units, induction, hr_a
):
    staff = StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    output = command("2026-04-06")
    assert Assignment.objects.get(staff=staff).due_on == date(2026, 3, 31)
    assert "Assignments: 1 created" in output
    assert "Overdue: 1" in output
    assert "Weekly digest: 1" in output
    assert "Before the due date: 0" in output
    assert sorted(m.to[0] for m in mail.outbox) == sorted([staff.email, hr_a.email])


def test_running_the_command_twice_a_day_sends_nothing_new(command, units, induction):
    StaffMemberFactory(unit=units["a"], hired_on=date(2026, 3, 1))
    assert "On the due date: 1" in command("2026-03-31")
    again = command("2026-03-31")
    assert "On the due date: 0" in again
    assert len(mail.outbox) == 1


def test_the_help_gives_the_daily_cron_line(capsys):
    with pytest.raises(SystemExit):
        call_command("send_reminders", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "* * * cd /srv/integridad && .venv/bin/python manage.py send_reminders" in (
        help_text
    )
