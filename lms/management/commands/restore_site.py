"""Restore an archive written by backup_site into an empty site."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.backups import BackupError, pending_migrations, restore, summary


class Command(BaseCommand):
    help = (
        "Restore an archive written by backup_site into the configured database, "
        "which must be new and empty, and the media storage. The archive is "
        "checked against its manifest first: a damaged archive, a database with "
        "tables or media files already present are refused, and nothing is "
        "written. Then run verify_certificates."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The archive to restore.")

    def handle(self, *args, archive: Path, **options):
        try:
            manifest = restore(path=archive)
        except (BackupError, OSError) as error:
            raise CommandError(error) from error
        self.stdout.write(
            _(
                "Restored the backup of %(created_at)s: %(rows)s rows "
                "(%(certificates)s certificates), %(media)s media files."
            )
            % {"created_at": manifest["created_at"], **summary(manifest)}
        )
        if not manifest["includes_keys"]:
            self.stdout.write(
                _(
                    "The archive holds no signing keys: copy them into "
                    "CERTIFICATE_KEYS_DIR from their own backup."
                )
            )
        if pending := pending_migrations():
            self.stdout.write(
                _("This code has %(count)s newer migrations: run migrate.")
                % {"count": pending}
            )
