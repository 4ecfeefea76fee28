"""Held cases, outages and releases for the recovery tests."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from applications.models import PassportApplication
from applications.workflow import Status
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from recovery.models import Release
from tests.applications.service_factories import PassportApplicationFactory

WIB = ZoneInfo("Asia/Jakarta")
DOWN = [Capability.CENTRAL_RECORDS, Capability.PRINTING, Capability.PERMIT_ISSUANCE]


def held(office: Office, count: int, *, start: datetime, status: str = Status.INTERVIEWED) -> list[PassportApplication]:
    """``count`` applications at ``office`` that became ready a minute apart from ``start``.

    Created newest first, so that their ids run against their ready order.
    """
    moments = [start + timedelta(minutes=minute) for minute in range(count)]
    created = [
        PassportApplicationFactory(office=office, status=status, ready_at=moment) for moment in reversed(moments)
    ]
    return list(reversed(created))


def national_outage(actor, capabilities=DOWN, **kwargs) -> Outage:
    return outage_declare(
        actor=actor, scope=OutageScope.NATIONAL, capabilities=capabilities, reason="Pusat Data Nasional", **kwargs
    )


def resolved_on(actor, outage: Outage, moment: datetime) -> Release:
    """Resolve ``outage`` as if at ``moment``: the plan starts the office day after it."""
    outage_resolve(actor=actor, outage=outage)
    Outage.objects.filter(pk=outage.pk).update(resolved_at=moment)
    return Release.objects.select_related("outage").get(outage=outage)


def local(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)
