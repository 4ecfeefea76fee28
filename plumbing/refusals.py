"""Refusals: how domain code says no, without knowing who asked.

A service refuses a step (a transition not possible in the case's status, an outage holding it, a
role that does not allow it) by raising a ``Refusal``. It carries what every edge needs and
nothing of any edge: the API turns it into a problem document (``plumbing.api.problems``), the
admin into a message. Services therefore stay free of the REST framework, and the admin need not
catch API exceptions.

A refusal holds no wire format. ``extra`` carries plain values (a status, a version, a capability)
that the API copies into the body as they are; a refusal that names domain objects keeps them as
attributes (``OutageActive.outages``), which the admin reads as they are and the API renders with
its serializers through a renderer the app registers (``plumbing.api.problems``).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _


class Refusal(Exception):
    """A step the domain refuses, with a stable ``code`` clients branch on.

    ``status_code`` is the HTTP status the API answers with; ``detail`` the translatable message a
    person reads; ``extra`` the plain members a client is told besides (the case's status, the
    capability an outage took down), never dates or objects, whose shape on the wire is the API's;
    ``headers`` what the response adds (``Retry-After`` when the refusal is known to end).
    Subclasses set the class defaults; an instance may override each of them.
    """

    status_code: int = 400
    default_code: str = "invalid"
    default_detail: Any = _("The request is not valid.")

    def __init__(
        self,
        detail: Any = None,
        code: str | None = None,
        *,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.detail = self.default_detail if detail is None else detail
        super().__init__(self.detail)
        if status_code is not None:
            self.status_code = status_code
        self.code = code or self.default_code
        self.extra = extra or {}
        self.headers = headers or {}
