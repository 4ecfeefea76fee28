from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import module_has_submodule

from plumbing.origin import origin_scope


class Command(BaseCommand):
    help = "Create the demo users and each app's demo data (idempotent). Refused with DEBUG off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even though DEBUG is off.")

    def handle(self, *args: object, force: bool = False, **options: object) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password and is for local use only. "
                "DEBUG is off; pass --force if you really want demo users here."
            )
        # Every app may have a ``demo`` module with ``demo_seed(password=...)``; apps run in
        # INSTALLED_APPS order, so the users (offices) exist before the cases that need them.
        with origin_scope(kind="command", name="seed_demo"):
            for app_config in apps.get_app_configs():
                if module_has_submodule(app_config.module, "demo"):
                    result = import_module(f"{app_config.name}.demo").demo_seed(password=settings.DEMO_PASSWORD)
                    self.stdout.write(str(result))
