"""Daily run: bring assignments up to date, then send the reminders owed today."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.dates import date_argument
from lms.staff.assignments import sync_assignments
from lms.staff.models import ReminderKind
from lms.staff.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Apply the training rules (renewal cycles open, rule changes apply), then "
        "email learners before, on and after their due dates and send unit heads "
        "and HR officers their weekly digest of overdue people, and tell anyone "
        "whose certificate enters its last weeks that its renewal is open. "
        "Safe to run "
        "again: what was sent is not sent twice. Run it daily from cron, e.g. "
        "15 7 * * * cd /srv/integridad && .venv/bin/python manage.py send_reminders"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date_argument,
            help="Run as if on this date (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args, today: date | None, **options):
        today = today or timezone.localdate()
        synced = sync_assignments(today=today)
        self.stdout.write(
            _(
                "Assignments: %(created)s created, %(completed)s completed, "
                "%(rescheduled)s rescheduled, %(closed)s closed."
            )
            % vars(synced)
        )
        sent = send_reminders(today=today)
        for kind in ReminderKind:
            self.stdout.write(f"{kind.label}: {sent[kind]}")
