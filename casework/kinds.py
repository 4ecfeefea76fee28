"""The kinds of case, registered once each: what differs between one kind and another.

Each app that defines a kind of case registers it in its ``AppConfig.ready()``, so that casework,
and everything that serves every kind (recovery, reports, the generic API views), learns the kinds
from here without importing the apps that define them. ``kinds()`` lists them in registration
order, which is the order of ``INSTALLED_APPS``: that is the order reports and lists show them in.

The registry is filled when the apps are ready: read it in functions, never at import time.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from casework.models import Case, Notification
from casework.reporting import FeeItem, Measure
from casework.workflow import Workflow
from offices.models import Office

# The cases a user may see, of one kind: a case outside them is a 404 to that user.
Selector = Callable[[AbstractBaseUser | AnonymousUser], QuerySet]


class CaseKind(models.TextChoices):
    """The names of the registered kinds, as stored in the ``kind`` columns of recovery and reports.

    Kept as choices because those model fields need a fixed set that migrations can snapshot: a new
    kind adds its name here (and the migration that widens those fields' choices) besides
    registering its ``CaseKindSpec``.
    """

    PASSPORT = "passport", _("Passport applications")
    PERMIT = "permit", _("Stay permit applications")


@dataclass(frozen=True, eq=False)
class CaseKindSpec:
    """What differs per kind of case; everything else is ``Case`` and the shared services.

    Compared and hashed by identity: a kind is its one registered spec.
    """

    # The stable name: stored in rows, used in query strings and exports ("passport").
    name: str
    label: str | Promise
    model: type[Case]
    workflow: Workflow
    # The status choices, in the workflow's order (reports list a kind's rows in it).
    statuses: type[models.TextChoices]
    # The terminal statuses: a case in none of them is still open.
    closed: tuple[str, ...]
    # The column of the kind's own type (regular or express, visit or work…), which reports filter on.
    type_field: str
    # The capabilities its held steps need: a slowdown of any of them slows the kind's queue.
    capabilities: frozenset[str]
    # How many cases of the kind an office serves on a working day.
    capacity: Callable[[Office], int]
    # Schedules the applicant's notifications of one event (``casework.notifications``).
    notifications: Callable[..., list[Notification]]
    # The related rows read with a case, and the columns a message about it needs.
    related: tuple[str, ...]
    message_columns: tuple[str, ...]
    # What the generic API views need: the cases a user sees, intake and action services
    # (``application=``, ``action=``, ``actor=``…), and the serializers.
    selector: Selector
    submit: Callable[..., Case]
    act: Callable[..., Case]
    case_serializer: type
    create_serializer: type
    action_input_serializers: dict[str, type]
    # What the reports count of the kind (``casework.reporting``): its daily measures, and its
    # tariff lines in groups, a paid case carrying at most one line of each group.
    measures: tuple[Measure, ...] = ()
    fee_groups: tuple[tuple[FeeItem, ...], ...] = ()
    # The kind in a word or two, where a table gives it a column or a line ("Passports").
    short_label: str | Promise = ""

    @property
    def heading(self) -> str | Promise:
        return self.short_label or self.label

    @property
    def open_statuses(self) -> tuple[str, ...]:
        """The statuses of an open case, in the workflow's order."""
        return tuple(status for status in self.statuses.values if status not in self.closed)

    def measures_of(self, flow: str) -> tuple[str, ...]:
        """The names of the kind's measures of ``flow`` (``Measure.RECEIVED``…)."""
        return tuple(measure.name for measure in self.measures if measure.flow == flow)

    def __str__(self) -> str:
        return self.name


_registry: dict[str, CaseKindSpec] = {}


def kind_register(spec: CaseKindSpec) -> None:
    """Add a kind; its app's ``ready()`` calls this once. A name registered twice is a mistake."""
    if spec.name in _registry:
        raise ImproperlyConfigured(f"The kind of case {spec.name!r} is registered twice.")
    _registry[spec.name] = spec


def kind_unregister(name: str) -> None:
    """Remove a kind: for tests that register one of their own."""
    del _registry[name]


@contextmanager
def kind_registered(spec: CaseKindSpec) -> Iterator[CaseKindSpec]:
    """The kind ``spec`` is registered for the ``with`` block only."""
    kind_register(spec)
    try:
        yield spec
    finally:
        kind_unregister(spec.name)


def kinds() -> tuple[CaseKindSpec, ...]:
    """Every kind, in registration order (``INSTALLED_APPS`` order)."""
    return tuple(_registry.values())


def kind_named(name: str) -> CaseKindSpec:
    """The kind called ``name``; ``LookupError`` when there is none."""
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"No kind of case is called {name!r}.") from None


def kind_of_model(model: type[Model]) -> CaseKindSpec | None:
    """The kind whose cases ``model`` holds (the first registered, if several share it); None if none."""
    return next((spec for spec in _registry.values() if spec.model is model), None)
