from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.demo.catalogue import DEMO_TOTP_SECRET, current_totp_code


class Command(BaseCommand):
    help = (
        "Print the current second-factor code of the demo staff accounts. "
        "Only with DEBUG on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                _(
                    "demo_totp_code prints codes for a published secret, so it "
                    "only runs with DEBUG on."
                )
            )
        self.stdout.write(current_totp_code(DEMO_TOTP_SECRET))
