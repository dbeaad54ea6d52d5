from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from programs.catalogue import load_catalogue


class Command(BaseCommand):
    help = "Load the catalogue of programs and support types (idempotent)."

    def handle(self, *args, **options):
        counts = load_catalogue()
        self.stdout.write(
            _(
                "Catalogue: %(agencies)s agencies, %(programs)s programs, "
                "%(support_types)s support types."
            )
            % counts
        )
