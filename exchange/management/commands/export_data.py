from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
                raise CommandError(f"Unknown program {program!r}.", returncode=2)
        table = export_table(kind, selected)
        if output is None:
            self.stdout.write(write_csv(table).decode(), ending="")
            return
        content = write_xlsx(table) if output.suffix.lower() == ".xlsx" else write_csv(table)
        output.write_bytes(content)
        self.stderr.write(f"{len(table) - 1} {kind} written to {output}.")
