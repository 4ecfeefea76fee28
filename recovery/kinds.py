"""The kinds of case a release serves, as recovery sees them: the registered kind and its entry field.

Every kind registered in ``casework.kinds`` is served. ``ReleaseEntry`` points to its case through
one foreign key per kind (``passport_application``, ``permit_application``): a third kind adds its
foreign key there, with its branch of the entry's one-case constraint, and nothing here.
"""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import overload

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model

from casework.kinds import CaseKindSpec, kinds
from casework.kinds import kind_of_model as case_kind_of_model
from casework.models import Case, Notification
from offices.models import Office
from recovery.models import ReleaseEntry


@dataclass(frozen=True)
class Kind:
    spec: CaseKindSpec
    # The entry's foreign key to the case.
    entry_field: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def model(self) -> type[Case]:
        return self.spec.model

    @property
    def related(self) -> tuple[str, ...]:
        return self.spec.related

    @property
    def message_columns(self) -> tuple[str, ...]:
        """The columns a message about a case needs (the office is the chunk's own, not read again)."""
        return self.spec.message_columns

    @property
    def capabilities(self) -> frozenset[str]:
        return self.spec.capabilities

    @property
    def capacity(self) -> Callable[[Office], int]:
        return self.spec.capacity

    @property
    def notifications(self) -> Callable[..., list[Notification]]:
        return self.spec.notifications

    def case_column(self) -> str:
        return f"{self.entry_field}_id"


@cache
def _kind(spec: CaseKindSpec) -> Kind:
    for field in ReleaseEntry._meta.get_fields():
        if field.many_to_one and field.related_model is spec.model:
            return Kind(spec=spec, entry_field=field.name)
    raise ImproperlyConfigured(f"ReleaseEntry has no foreign key to {spec.model.__name__}, the {spec.name} kind.")


class _Kinds(Sequence[Kind]):
    """The registered kinds, read at each use: the registry fills only once the apps are ready,
    after modules that name ``KINDS`` have been imported."""

    def _all(self) -> tuple[Kind, ...]:
        return tuple(_kind(spec) for spec in kinds())

    @overload
    def __getitem__(self, index: int) -> Kind: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Kind, ...]: ...

    def __getitem__(self, index: int | slice) -> Kind | tuple[Kind, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Kind]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(kinds())


KINDS = _Kinds()


def kind_of_model(model: type[Model]) -> Kind | None:
    """The kind whose cases ``model`` holds; None for any other model."""
    spec = case_kind_of_model(model)
    return None if spec is None else _kind(spec)


def schedule_key(*, release_id: int, reference: str, event: str = "scheduled") -> str:
    """The dedupe key of the one message of ``event`` a release sends about a case.

    "scheduled" gives the day; "withdrawn" says that day no longer holds.
    """
    key = f"{reference}:release{release_id}"
    return key if event == "scheduled" else f"{key}:{event}"
