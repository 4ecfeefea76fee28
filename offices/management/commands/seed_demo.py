import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from offices.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo users and memberships (idempotent). Refused with DEBUG off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even though DEBUG is off.")

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password and is for local use only. "
                "DEBUG is off; pass --force if you really want demo users here."
            )
        with pghistory.context(command="seed_demo"):
            result = demo_seed(password=settings.DEMO_PASSWORD)
        self.stdout.write(f"Demo users: {result.users_created} created, {result.users_existing} already there.")
