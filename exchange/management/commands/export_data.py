"""export_data KIND [--program CODE] [--output PATH]: CSV to stdout, or a .csv/.xlsx file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record_command
from exchange.kinds import KINDS
from exchange.services import export_table, write_csv, write_xlsx
from programs.models import Program


class Command(BaseCommand):
    help = "Export one kind as CSV (to stdout by default) or XLSX (an --output ending in .xlsx)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("--program", help="only what belongs to this program (its code)")
        parser.add_argument("--output", type=Path, help="a .csv or .xlsx file")

    def handle(self, *args, kind: str, program: str | None, output: Path | None, **options):
        selected = None
        if program:
            selected = Program.objects.filter(code=program).first()
            if selected is None:
                raise CommandError(_("Unknown program %(code)r.") % {"code": program}, returncode=2)
        header, rows = export_table(kind, selected)
        xlsx = output is not None and output.suffix.lower() == ".xlsx"
        record_command(
            Action.EXPORT,
            kind,
            target=str(output or "stdout"),
            filters={"program": program} if program else {},
            format="xlsx" if xlsx else "csv",
            rows=len(rows),
        )
        if output is None:
            self.stdout.write(write_csv([header, *rows]).decode(), ending="")
            return
        output.write_bytes(write_xlsx([header, *rows]) if xlsx else write_csv([header, *rows]))
        message = _("%(count)d %(kind)s written to %(path)s.")
        self.stderr.write(message % {"count": len(rows), "kind": kind, "path": output})
