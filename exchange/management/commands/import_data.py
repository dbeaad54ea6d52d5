from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchange.kinds import KINDS
from exchange.services import ImportFailed, import_table, read_table


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one kind (shared/design/data-exchange.md); all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("path", type=Path)

    def handle(self, *args, kind: str, path: Path, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file.", returncode=2)
        try:
            result = import_table(kind, read_table(path.read_bytes(), path.name))
        except ImportFailed as failure:
            for error in failure.result.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: {len(failure.result.errors)} problem(s).", returncode=1
            ) from None
        self.stdout.write(
            f"{kind}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
