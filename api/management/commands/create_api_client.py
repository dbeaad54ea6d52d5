from django.core.management.base import BaseCommand, CommandError

from api.models import APIClient
from api.services import create_client


class Command(BaseCommand):
    help = "Create an API client; its key is printed alone on the last line, and only once."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name")
        parser.add_argument("--write", action="store_true", help="allow writes, not only reads")

    def handle(self, *args, name: str, write: bool, **options) -> None:
        if APIClient.objects.filter(name=name).exists():
            raise CommandError(f"An API client named {name!r} exists already.", returncode=2)
        client, key = create_client(name, can_write=write)
        rights = "read and write" if write else "read only"
        self.stdout.write(f"Created API client {client.name!r} ({rights}). Its key, shown once:")
        self.stdout.write(key)
