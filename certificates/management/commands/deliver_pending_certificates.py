from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from certificates.tasks import queue_undelivered


class Command(BaseCommand):
    help = (
        "Queue the delivery (PDF and e-mail) of every certificate not yet "
        "delivered: those whose job was lost while Redis was down or whose "
        "worker died. Run by the worker at start and by cron; delivering "
        "twice is harmless."
    )

    def handle(self, *args, **options):
        count = queue_undelivered()
        message = ngettext(
            "Queued the delivery of %(count)d certificate.",
            "Queued the delivery of %(count)d certificates.",
            count,
        )
        self.stdout.write(message % {"count": count})
