"""The two kinds of case a release serves, and what differs between them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model

from applications.models import PassportApplication
from applications.notifications import schedule_notifications as passport_schedule_notifications
from casework.kinds import CaseKind
from casework.models import Case, Notification
from offices.models import Capability, Office
from permits.models import StayPermitApplication
from permits.notifications import schedule_notifications as permit_schedule_notifications


@dataclass(frozen=True)
class Kind:
    name: CaseKind
    model: type[Case]
    # The entry's foreign key to the case; the related rows and the columns its message needs
    # (the office is the chunk's own, so it is not read again).
    entry_field: str
    related: tuple[str, ...]
    message_columns: tuple[str, ...]
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
        related=("applicant",),
        message_columns=("reference", "office", "applicant__email"),
        capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PRINTING}),
        capacity=lambda office: office.passport_capacity,
        notifications=passport_schedule_notifications,
    ),
    Kind(
        name=CaseKind.PERMIT,
        model=StayPermitApplication,
        entry_field="permit_application",
        related=("foreigner", "sponsor"),
        message_columns=("reference", "office", "foreigner__full_name", "foreigner__email", "sponsor__email"),
        capabilities=frozenset({Capability.CENTRAL_RECORDS, Capability.PERMIT_ISSUANCE}),
        capacity=lambda office: office.permit_capacity,
        notifications=permit_schedule_notifications,
    ),
)
KIND_OF_MODEL: dict[type[Model], Kind] = {kind.model: kind for kind in KINDS}


def schedule_key(*, release_id: int, reference: str, event: str = "scheduled") -> str:
    """The dedupe key of the one message of ``event`` a release sends about a case.

    "scheduled" gives the day; "withdrawn" says that day no longer holds.
    """
    key = f"{reference}:release{release_id}"
    return key if event == "scheduled" else f"{key}:{event}"
