from django.core.management.base import BaseCommand

from imigrasi.origin import origin_scope
from offices.services import offices_load


class Command(BaseCommand):
    help = "Create or update the regions and offices from the project's data files (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        with origin_scope(kind="command", name="load_offices"):
            result = offices_load()
        self.stdout.write(f"Offices: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
