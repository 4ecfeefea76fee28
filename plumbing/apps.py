from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from plumbing.database import utc_dumper_register


class PlumbingConfig(AppConfig):
    name = "plumbing"
    verbose_name = _("API plumbing")

    def ready(self) -> None:
        # Imported here: it imports the user and token models, which exist only once apps are ready.
        from plumbing.credentials import credentials_signals_connect

        utc_dumper_register()
        credentials_signals_connect()
