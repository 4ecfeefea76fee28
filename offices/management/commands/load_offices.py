from django.core.management.base import BaseCommand

from offices.services import offices_load
from plumbing.origin import origin_scope


class Command(BaseCommand):
    help = "Create or update the regions and offices from the project's data files (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        with origin_scope(kind="command", name="load_offices"):
            result = offices_load()
        self.stdout.write(f"Offices: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
