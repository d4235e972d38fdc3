from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from certificates.issuance import issue_missing
from certificates.tasks import queue_undelivered


class Command(BaseCommand):
    help = (
        "Issue the certificates that current completions lack (issuing failed "
        "after the completion was recorded), then queue the delivery (PDF and "
        "e-mail) of every certificate not yet delivered: those whose job was "
        "lost while Redis was down or whose worker died. Run by the worker at "
        "start and by cron; running it twice issues and delivers nothing twice."
    )

    def handle(self, *args, **options):
        issued = issue_missing(today=timezone.localdate())
        if issued:
            message = ngettext(
                "Issued %(count)d missing certificate.",
                "Issued %(count)d missing certificates.",
                len(issued),
            )
            self.stdout.write(message % {"count": len(issued)})
        count = queue_undelivered()
        message = ngettext(
            "Queued the delivery of %(count)d certificate.",
            "Queued the delivery of %(count)d certificates.",
            count,
        )
        self.stdout.write(message % {"count": count})
