from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.imports.changes import ImportResult, import_staff
from lms.imports.columns import STAFF_FILE
from lms.staff.scopes import Scope


class Command(BaseCommand):
    help = (
        "Import HR's staff list from a CSV or XLSX file (columns dni, nombres, "
        "apellidos, correo, codigo_unidad, cargo, regimen, fecha_ingreso, "
        "fecha_cese, es_directivo; optionally fecha_movimiento, the day a "
        "change of unit, regime or senior post took effect). Any error writes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and show what would change, writing nothing.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="The file lists all current staff: mark everyone else as leavers.",
        )

    def handle(self, *args, file: Path, dry_run: bool, full: bool, **options):
        try:
            with file.open("rb") as source:
                # One byte over the limit is enough for the import to refuse it.
                data = source.read(STAFF_FILE.bytes + 1)
        except OSError as error:
            raise CommandError(error) from error
        result = import_staff(
            data=data,
            filename=file.name,
            # Whoever runs the command has the server, so every unit.
            scope=Scope(everything=True, paths=()),
            today=timezone.localdate(),
            full=full,
            dry_run=dry_run,
        )
        if result.errors:
            self._write_errors(result)
            raise CommandError(
                _("%(count)s errors; nothing was written.")
                % {"count": len(result.errors)}
            )
        self._write_summary(result)

    def _write_errors(self, result: ImportResult) -> None:
        for error in result.errors:
            where = _("row %(row)s") % {"row": error.row} if error.row else _("file")
            if error.column:
                where = f"{where}, {error.column}"
            self.stderr.write(f"{where}: {error.message}")

    def _write_summary(self, result: ImportResult) -> None:
        if result.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        lines = [
            (_("Created"), result.created),
            (_("Changed"), result.changed),
            (_("Unchanged"), result.unchanged),
            (_("Marked as leavers"), result.left),
        ]
        if not result.dry_run:
            lines.append((_("Assignments created"), result.assignments.created))
            lines.append((_("Assignments closed"), result.assignments.closed))
        for label, count in lines:
            self.stdout.write(f"{label}: {count}")
        for change in result.plan.changed:
            fields = "; ".join(
                f"{name}: {old} → {new}" for name, old, new in change.fields
            )
            self.stdout.write(
                _("Row %(row)s (%(document)s): %(fields)s")
                % {
                    "row": change.row.row,
                    "document": change.row.masked_document(),
                    "fields": fields,
                }
            )
