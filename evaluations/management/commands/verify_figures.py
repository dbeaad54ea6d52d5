from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations.figures import differences
from programs.models import Program


class Command(BaseCommand):
    help = "Recompute a program's stored figures from the raw rows and report any difference."

    def add_arguments(self, parser) -> None:
        parser.add_argument("program", help="program code, e.g. ASPIRE")

    def handle(self, *args, program: str, **options) -> None:
        found = Program.objects.filter(code=program).first()
        if found is None:
            raise CommandError(
                _("There is no program “%(code)s”.") % {"code": program}, returncode=2
            )
        lines = differences(found)
        for line in lines:
            self.stdout.write(line)
        if lines:
            message = ngettext(
                "%(count)d stored figure differs from the raw rows.",
                "%(count)d stored figures differ from the raw rows.",
                len(lines),
            )
            raise CommandError(message % {"count": len(lines)}, returncode=1)
        agreed = _("The stored figures of %(code)s agree with the raw rows.")
        self.stdout.write(agreed % {"code": program})
