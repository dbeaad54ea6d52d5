"""import_data KIND PATH: one file of shared/design/data-exchange.md, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange import limits
from exchange.kinds import KINDS
from exchange.services import import_file


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one kind (shared/design/data-exchange.md); all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("path", type=Path, help="a .csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="replace records changed after the file was exported (an XLSX of ours "
            "records when); without it such rows are refused",
        )

    def handle(self, *args, kind: str, path: Path, overwrite: bool, **options) -> None:
        if not path.is_file():
            raise CommandError(_("%(path)s: no such file.") % {"path": path}, returncode=2)
        try:
            limits.check_size(path.stat().st_size)  # before reading it into memory
        except limits.TooLarge as error:
            raise CommandError(str(error), returncode=1) from None
        result = import_file(kind, path.read_bytes(), path.name, overwrite=overwrite)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(error)
            count = len(result.errors)
            message = ngettext(
                "Nothing was imported: %(count)d problem.",
                "Nothing was imported: %(count)d problems.",
                count,
            )
            raise CommandError(message % {"count": count}, returncode=1)
        self.stdout.write(
            _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "kind": kind,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
