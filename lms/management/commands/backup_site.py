"""Write the site's database and media files into one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.backups import BackupError, back_up, summary


class Command(BaseCommand):
    help = (
        "Write one tar.gz archive holding a dump of the database, every media "
        "file and a manifest of checksums; restore it with restore_site. The "
        "issuer's signing keys are left out unless --include-keys is given: "
        "back them up separately, somewhere safe. Run it daily from cron, e.g. "
        "30 2 * * * cd /srv/integridad && .venv/bin/python manage.py "
        "backup_site /var/backups/integridad/$(date +\\%F).tar.gz"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive to write.")
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help=(
                "Also store the private signing keys (CERTIFICATE_KEYS_DIR): "
                "whoever reads the archive can then sign credentials."
            ),
        )

    def handle(self, *args, archive: Path, include_keys: bool, **options):
        try:
            manifest = back_up(
                path=archive, include_keys=include_keys, now=timezone.now()
            )
        except (BackupError, OSError) as error:
            raise CommandError(error) from error
        self.stdout.write(
            _(
                "Wrote %(archive)s: %(rows)s rows in %(tables)s tables "
                "(%(certificates)s certificates), %(media)s media files."
            )
            % {"archive": archive, **summary(manifest)}
        )
        if not include_keys:
            self.stdout.write(
                _(
                    "The signing keys are not in the archive: back up "
                    "CERTIFICATE_KEYS_DIR separately."
                )
            )
