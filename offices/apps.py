from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = _("Offices and access")

    def ready(self) -> None:
        # Imported here: the receivers import the models, which exist only once apps are ready.
        from offices import signals  # noqa: F401  (connects the receivers)
        from offices.api.refusals import refusal_renderers_register

        # The API gives an outage refusal's outages in their wire shape (offices.api.refusals).
        refusal_renderers_register()
