from django.apps import AppConfig


class ImigrasiConfig(AppConfig):
    """The project package as an app: its admin stylesheet, and the history of the model it once held."""

    name = "imigrasi"
    verbose_name = "Imigrasi"
