from django.apps import AppConfig

from imigrasi.database import utc_dumper_register


class ImigrasiConfig(AppConfig):
    name = "imigrasi"
    verbose_name = "Imigrasi"

    def ready(self) -> None:
        from imigrasi.credentials import credentials_signals_connect

        utc_dumper_register()
        credentials_signals_connect()
