"""Writing the daily rollup: recompute a range of an office's days and store what differs."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connections, router, transaction

from offices.models import Office
from offices.outages import outage_offices
from recovery.backlog import blocking_outages
from reports.measures import Key, rollup_compute
from reports.models import DailyRollup

# The first key of the advisory lock that serialises refreshes of one office (the second: its id).
ROLLUP_LOCK = 0x524F4C4C  # "ROLL"


@dataclass(frozen=True)
class RollupChange:
    """One stored number that differed from the computed one (``old`` or ``new`` is 0 when absent)."""

    day: date
    measure: str
    key: str
    old: int
    new: int


@dataclass
class RollupDiff:
    """What a refresh changed: counts and each change, in day, measure and key order."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    changes: list[RollupChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changes)


def rollup_refresh(*, office: Office, start: date, end: date) -> RollupDiff:
    """Recompute ``office``'s local days ``start`` to ``end`` and store the result; idempotent.

    Rows whose value changed are upserted and rows now zero are deleted, in one transaction.
    Refreshes of one office wait for each other (an advisory lock, taken before computing), so two
    tasks for the same day never both insert, and the later one stores the later state.
    """
    alias = router.db_for_write(DailyRollup)
    diff = RollupDiff()
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ROLLUP_LOCK, office.pk])
        computed = rollup_compute(office=office, start=start, end=end)
        stored: dict[Key, DailyRollup] = {
            (row.day, row.measure, row.key): row
            for row in DailyRollup.objects.using(alias).filter(office=office, day__gte=start, day__lte=end)
        }
        writes: list[DailyRollup] = []
        for key in sorted(set(computed) | set(stored)):
            new = computed.get(key, 0)
            row = stored.get(key)
            old = row.value if row is not None else 0
            if old == new:
                continue
            day, measure, dimension = key
            diff.changes.append(RollupChange(day=day, measure=measure, key=dimension, old=old, new=new))
            if row is None:
                diff.added += 1
            elif new:
                diff.changed += 1
            else:
                diff.removed += 1
            if new:
                writes.append(DailyRollup(office=office, day=day, measure=measure, key=dimension, value=new))
        if writes:
            DailyRollup.objects.using(alias).bulk_create(
                writes,
                update_conflicts=True,
                unique_fields=["office", "day", "measure", "key"],
                update_fields=["value"],
            )
        gone = [stored[(c.day, c.measure, c.key)].pk for c in diff.changes if not c.new]
        if gone:
            DailyRollup.objects.using(alias).filter(pk__in=gone).delete()
    return diff


def rollups_refresh_held_today() -> int:
    """Refresh today of every office an active blocking outage covers; the number of offices.

    An active outage's ``held`` counts every day through today, so a new local day starts with
    cases held that no change has counted yet: the beat runs this just after each zone's midnight.
    """
    office_ids: set[int] = set()
    for outage in blocking_outages():
        office_ids.update(outage_offices(outage).values_list("pk", flat=True))
    offices = Office.objects.filter(pk__in=sorted(office_ids)).order_by("pk")
    for office in offices:
        today = office.local_today()
        rollup_refresh(office=office, start=today, end=today)
    return len(office_ids)
