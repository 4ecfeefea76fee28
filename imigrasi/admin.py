"""The admins of the libraries' models, given the project's answers to malformed input.

django-axes and django-knox register plain ``ModelAdmin`` changelists, where a filter that only
fails once compiled (``?logout_time__year=0``, ``?expiry__year=99999``) came out of the paginator
as a server error. Each is registered again here with ``CheckedInputAdminMixin``, as the
project's own admins have it, so that such a filter is refused like any other wrong one.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db.models import Model
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from offices.admin_checks import CheckedInputAdminMixin

LIBRARY_ADMINS: list[tuple[type[Model], type[admin.ModelAdmin]]] = [
    (AuthToken, AuthTokenAdmin),
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
]


def checked_again(model: type[Model], model_admin: type[admin.ModelAdmin]) -> None:
    """Register ``model`` again with ``model_admin`` and the project's checks of malformed input.

    A model the library left unregistered (axes without ``AXES_ENABLE_ADMIN``) stays so.
    """
    if not admin.site.is_registered(model):
        return
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (CheckedInputAdminMixin, model_admin), {}))


for library_model, library_admin in LIBRARY_ADMINS:
    checked_again(library_model, library_admin)
