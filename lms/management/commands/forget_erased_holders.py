"""Daily run: certificates of erased people lose the holder's name as they lapse."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.dates import date_argument
from lms.accounts.erasure import forget_lapsed_holders


class Command(BaseCommand):
    help = (
        "Anonymise the certificates that people who erased their account kept "
        "while valid, once they have expired or been revoked. Safe to run again. "
        "Run it daily from cron, e.g. "
        "30 7 * * * cd /srv/integridad && .venv/bin/python manage.py "
        "forget_erased_holders"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date_argument,
            help="Run as if on this date (YYYY-MM-DD).",
        )

    def handle(self, *args, today: date | None, **options):
        count = forget_lapsed_holders(today=today or timezone.localdate())
        self.stdout.write(
            _("People who erased their account, checked: %(count)s.") % {"count": count}
        )
