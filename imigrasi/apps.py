from django.apps import AppConfig

from imigrasi.database import utc_dumper_register


class ImigrasiConfig(AppConfig):
    name = "imigrasi"
    verbose_name = "Imigrasi"

    def ready(self) -> None:
        utc_dumper_register()
