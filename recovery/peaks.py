"""The peak of each outage's backlog per office: the most cases it held at once, and when.

The peak is kept as the outage runs rather than read from the cases afterwards, since the cases
held now are fewer than the most ever held once some were worked or cancelled. Each time cases
may have become held (an outage declared, a case reaching a step an outage blocks) the outage's
held cases are counted per office and each stored peak they exceed is raised, in one upsert whose
conflict clause locks the row and compares with its latest value: two counts racing keep the
higher, and a peak is never lowered.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from casework.kinds import kinds
from offices.models import Office, Outage
from recovery.backlog import blocking_outages, held_cases
from recovery.models import BacklogPeak


def held_by_office(*, outage: Outage, office_ids: Iterable[int] | None = None) -> dict[int, int]:
    """The cases ``outage`` holds now per office (at ``office_ids`` only, if given): one query per kind."""
    counts: dict[int, int] = {}
    for kind in kinds():
        cases = held_cases(kind=kind, outages=[outage])
        if office_ids is not None:
            cases = cases.filter(office_id__in=sorted(office_ids))
        for office_id, held in cases.values_list("office_id").annotate(held=Count("pk")).order_by():
            counts[office_id] = counts.get(office_id, 0) + held
    return counts


def backlog_peaks_record(*, outages: Iterable[Outage] | None = None, office: Office | None = None) -> int:
    """Raise the stored peaks of ``outages`` (default: every active blocking one) to what they hold now.

    At ``office`` only, if given. Returns the number of peaks raised.
    """
    now = timezone.now()
    raised = 0
    for outage in blocking_outages() if outages is None else outages:
        if not outage.is_active or outage.is_degraded or (office is not None and not outage.covers(office)):
            continue
        counts = held_by_office(outage=outage, office_ids=None if office is None else [office.pk])
        raised += _raise(outage_id=outage.pk, counts=counts, now=now)
    return raised


def _raise(*, outage_id: int, counts: dict[int, int], now: datetime) -> int:
    rows = sorted((office_id, held) for office_id, held in counts.items() if held)
    if not rows:
        return 0
    table = BacklogPeak._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (outage_id, office_id, held, reached_at)
            SELECT %s, office_id, held, %s FROM unnest(%s::bigint[], %s::integer[]) AS counted(office_id, held)
            ON CONFLICT (outage_id, office_id) DO UPDATE SET held = EXCLUDED.held, reached_at = EXCLUDED.reached_at
            WHERE {table}.held < EXCLUDED.held
            """,
            [outage_id, now, [office_id for office_id, _held in rows], [held for _office_id, held in rows]],
        )
        return cursor.rowcount
