"""Cases dated by hand for the rollup tests: timestamps are set after creation, as the clock would have."""

from datetime import UTC, datetime
from typing import Any

from applications.models import PassportApplication
from offices.models import Office
from permits.models import StayPermitApplication
from permits.services import permit_application_submit
from tests.applications.service_factories import PassportApplicationFactory
from tests.permits.factories import intake


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def passport(office: Office, *, created_at: datetime, **fields: Any) -> PassportApplication:
    """A passport application at ``office`` taken in at ``created_at``, with ``fields`` as given.

    The factory dates every step a status implies "now" (outside the tests' ranges); the fields
    given here replace those dates.
    """
    status = fields.pop("status", "submitted")
    factory_fields = {
        name: fields.pop(name) for name in ("application_type", "channel", "previous_passport_number") if name in fields
    }
    application = PassportApplicationFactory(office=office, status=status, **factory_fields)
    PassportApplication.objects.filter(pk=application.pk).update(created_at=created_at, **fields)
    application.refresh_from_db()
    return application


def permit(office: Office, actor, *, number: str, created_at: datetime, **fields: Any) -> StayPermitApplication:
    """A stay permit application at ``office`` taken in at ``created_at``, with ``fields`` as given."""
    application = permit_application_submit(actor=actor, **intake(office=office, foreigner={"passport_number": number}))
    StayPermitApplication.objects.filter(pk=application.pk).update(created_at=created_at, **fields)
    application.refresh_from_db()
    return application
