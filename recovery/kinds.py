"""The two kinds of case a release serves, and what differs between them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from applications.models import PassportApplication
from applications.notifications import schedule_notifications as passport_schedule_notifications
from casework.models import Case, Notification
from offices.models import Capability, Office
from permits.models import StayPermitApplication
from permits.notifications import schedule_notifications as permit_schedule_notifications
from recovery.models import CaseKind


@dataclass(frozen=True)
class Kind:
    name: CaseKind
    model: type[Case]
    # The entry's foreign key to the case, and the related rows its notifications need.
    entry_field: str
    related: tuple[str, ...]
    # The capabilities its held steps need: a slowdown of any of them slows the queue.
    capabilities: frozenset[str]
    capacity: Callable[[Office], int]
    notifications: Callable[..., list[Notification]]

    def case_column(self) -> str:
        return f"{self.entry_field}_id"


KINDS = (
    Kind(
        name=CaseKind.PASSPORT,
        model=PassportApplication,
        entry_field="passport_application",
        related=("office", "applicant"),
        capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PRINTING}),
        capacity=lambda office: office.passport_capacity,
        notifications=passport_schedule_notifications,
    ),
    Kind(
        name=CaseKind.PERMIT,
        model=StayPermitApplication,
        entry_field="permit_application",
        related=("office", "foreigner", "sponsor"),
        capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PERMIT_ISSUANCE}),
        capacity=lambda office: office.permit_capacity,
        notifications=permit_schedule_notifications,
    ),
)
KIND_OF_MODEL: dict[type[Model], Kind] = {kind.model: kind for kind in KINDS}


def schedule_key(*, release_id: int, reference: str) -> str:
    """The dedupe key of the one message a release sends about a case."""
    return f"{reference}:release{release_id}"
