"""Check that every certificate verifies as issued, e.g. after a restore."""

import sys
from collections import Counter

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, Status
from certificates.signing import credentials, status_list
from certificates.verification import lookup

# Exit code when any certificate, or the signing keys, fail the check.
FAILED = 1


class Command(BaseCommand):
    help = (
        "Check every certificate as the public verification does: its code finds "
        "it, its stored PDF matches the SHA-256 recorded at issue, and its signed "
        "credential verifies with the published keys and tells its status. "
        "Prints what fails and a summary; exit code 1 if anything fails."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        keys, bits = self._published_keys()
        statuses, failed = Counter(), 0
        certificates = Certificate.objects.select_related("company").order_by("pk")
        for certificate in certificates.iterator(chunk_size=500):
            statuses[certificate.status(today=today)] += 1
            found = lookup.problems(
                certificate, today=today, keys=keys, status_bits=bits
            )
            if found:
                failed += 1
                self.stderr.write(f"{certificate.code}: {'; '.join(found)}")
        for status in Status:
            self.stdout.write(f"{status.label}: {statuses[status]}")
        if keys is None:
            self.stdout.write(_("Signed credentials were not checked."))
        if failed:
            self.stdout.write(
                _("%(failed)s of %(total)s certificates fail verification.")
                % {"failed": failed, "total": statuses.total()}
            )
        if failed or keys is None:
            sys.exit(FAILED)
        self.stdout.write(
            _("All %(total)s certificates verify.") % {"total": statuses.total()}
        )

    def _published_keys(self) -> tuple[dict | None, bytes | None]:
        """Return the published keys and revocation bits, or None, None."""
        try:
            keys = credentials.published_keys()
            token = status_list.signed_status_list()
            return keys, status_list.bits_from_status_list(token, keys=keys)
        except (ImproperlyConfigured, ValueError) as error:
            self.stderr.write(
                _("Signed credentials cannot be served: %(error)s") % {"error": error}
            )
            return None, None
