"""Held cases, outages and releases for the recovery tests."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from applications.models import PassportApplication
from applications.workflow import Status
from offices.models import Capability, Office, Outage, OutageScope
from offices.outages import outage_declare, outage_resolve
from permits.models import StayPermitApplication
from permits.services import permit_application_submit
from permits.workflow import Status as PermitStatus
from recovery.models import Release, ReleaseOffice
from recovery.services import CHUNK_SIZE, release_enlist, release_finish, release_office_schedule
from tests.applications.service_factories import PassportApplicationFactory
from tests.permits.factories import intake, moved_to

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


def permit_held(office: Office, actor, *, passport: str, ready_at: datetime) -> StayPermitApplication:
    """A stay permit application approved before the outage, waiting for permit issuance since ``ready_at``."""
    application = permit_application_submit(
        actor=actor, **intake(office=office, foreigner={"passport_number": passport})
    )
    moved_to(application, PermitStatus.APPROVED)
    StayPermitApplication.objects.filter(pk=application.pk).update(ready_at=ready_at)
    return StayPermitApplication.objects.get(pk=application.pk)


def part_of(release: Release, office: Office) -> ReleaseOffice:
    return ReleaseOffice.objects.get(release=release, office=office)


def release_run(*, release: Release, chunk_size: int = CHUNK_SIZE) -> None:
    """The whole release in this process, as its tasks run it: enlist, date each office, finish."""
    for part in release_enlist(release=release):
        release_office_schedule(part_id=part.pk, chunk_size=chunk_size)
    release_finish(release_id=release.pk)
