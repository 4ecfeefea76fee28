"""The measures of the daily rollup and how each is counted, set-based, from the case tables.

Every measure is dated by one timestamp of the case, converted to the office's own date (WIB,
WITA or WIT: ``Office.timezone``) in the database, so a case taken in at 23:30 WIB counts on that
WIB day while one taken in at the same instant in Denpasar counts on the next WITA day.

Each kind of case declares its own measures (``CaseKindSpec.measures``: for passports
``applications.reporting``, for stay permits ``permits.reporting``). Every kind has besides:

- ``revenue_idr``, keyed kind and type (``passport:new``, ``permit:ITAS``): the sum of ``amount_paid_idr``, by ``paid_at``;
- ``held``, keyed ``passport`` / ``permit``: the cases held by a blocking outage at the end of the
  day. A case is held from the later of its ``ready_at`` and the outage's ``declared_at``. For a
  resolved outage the cases are those its release enlisted (``ReleaseEntry``), held until its
  ``resolved_at``: they count on each day from the local date the hold began to the day before the
  local date of the resolution. For an active blocking outage they are the cases held now (awaiting
  a capability it takes down at their office), counted from the day the hold began through today
  (today's number is "held so far"). A case held by two overlapping outages counts once a day.

Only the timestamps as they stand are counted: a case verified on Monday and rejected on Tuesday
counts once in ``passport_verified`` on Monday and once in ``passport_rejected`` on Tuesday.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import CharField, Count, F, QuerySet, Sum, Value
from django.db.models.functions import Concat

from casework.kinds import kinds
from casework.reporting import LocalDate
from offices.models import Office, Outage, outage_covering_sql
from recovery.models import Release, ReleaseEntry, ReleaseOffice

Key = tuple[date, str, str]

# The measures every kind has, after each kind's own.
SHARED_MEASURES = ("revenue_idr", "held")


def measure_names() -> tuple[str, ...]:
    """Every measure of the rollup: each kind's, in registration order, then the shared ones."""
    return (*(measure.name for kind in kinds() for measure in kind.measures), *SHARED_MEASURES)


def local_bounds(office: Office, start: date, end: date) -> tuple[datetime, datetime]:
    """The instants where the office's day ``start`` begins and the day after ``end`` begins."""
    zone = office.zone
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def _grouped(
    queryset: QuerySet, *, office: Office, field: str, bounds: tuple[datetime, datetime], measure: str, key, value
) -> QuerySet:
    """Rows (day, measure, key, value) of one measure: cases of ``office`` dated by ``field`` in ``bounds``."""
    return (
        queryset.filter(office=office, **{f"{field}__gte": bounds[0], f"{field}__lt": bounds[1]})
        .annotate(
            r_day=LocalDate(office.timezone, field), r_measure=Value(measure, output_field=CharField()), r_key=key
        )
        .values("r_day", "r_measure", "r_key")
        .annotate(r_value=value)
        .order_by()
    )


def _counted(office: Office, start: date, end: date) -> list[tuple[date, str, str, int]]:
    """Every measure but ``held``, in one query: a UNION ALL of one GROUP BY per measure."""
    bounds = local_bounds(office, start, end)
    count = Count("pk")
    parts = []
    for kind in kinds():
        cases = kind.model._default_manager.all()
        case_type = F(kind.type_field)
        for measure in kind.measures:
            counted = cases.filter(measure.only(office.timezone)) if measure.only else cases
            parts.append(
                _grouped(
                    counted,
                    office=office,
                    field=measure.timestamp,
                    bounds=bounds,
                    measure=measure.name,
                    key=case_type if measure.key is None else measure.key,
                    value=count,
                )
            )
        parts.append(
            _grouped(
                cases.filter(amount_paid_idr__isnull=False),
                office=office,
                field="paid_at",
                bounds=bounds,
                measure="revenue_idr",
                key=Concat(Value(f"{kind.name}:"), case_type, output_field=CharField()),
                value=Sum("amount_paid_idr"),
            )
        )
    union = parts[0].union(*parts[1:], all=True)
    return [(row["r_day"], row["r_measure"], row["r_key"], row["r_value"]) for row in union]


def _held(office: Office, start: date, end: date) -> list[tuple[date, str, str, int]]:
    """The ``held`` measure in one query: hold intervals joined to the days of the range."""
    outage_table = Outage._meta.db_table
    covering = f"o.resolved_at IS NULL AND o.capacity_percent IS NULL AND {outage_covering_sql('o')}"
    active = " UNION ALL ".join(
        f"SELECT '{kind.name}' AS kind, c.id AS case_id, GREATEST(c.ready_at, o.declared_at) AS held_from, "
        f"NULL::timestamptz AS held_until FROM {kind.model._meta.db_table} c JOIN {outage_table} o ON {covering} "
        f"AND c.awaiting = ANY(o.capabilities) WHERE c.office_id = %(office)s AND c.awaiting <> ''"
        for kind in kinds()
    )
    sql = f"""
        WITH holds AS (
            SELECT e.kind, e.case_id,
                   GREATEST(e.ready_at, o.declared_at) AS held_from, o.resolved_at AS held_until
            FROM {ReleaseEntry._meta.db_table} e
            JOIN {ReleaseOffice._meta.db_table} ro ON ro.id = e.release_office_id
            JOIN {Release._meta.db_table} r ON r.id = ro.release_id
            JOIN {outage_table} o ON o.id = r.outage_id
            WHERE e.office_id = %(office)s AND o.resolved_at IS NOT NULL
              AND o.resolved_at >= %(lower)s AND o.declared_at < %(upper)s
            UNION ALL {active}
        )
        SELECT d.day::date, h.kind, COUNT(DISTINCT h.case_id)
        FROM generate_series(%(start)s::date, %(end)s::date, interval '1 day') AS d(day)
        JOIN holds h ON timezone(%(zone)s, h.held_from)::date <= d.day::date
            AND (
                (h.held_until IS NULL AND d.day::date <= timezone(%(zone)s, now())::date)
                OR d.day::date < timezone(%(zone)s, h.held_until)::date
            )
        GROUP BY 1, 2
    """
    lower, upper = local_bounds(office, start, end)
    params = {
        "office": office.pk,
        "region": office.region_id,
        "zone": office.timezone,
        "start": start,
        "end": end,
        "lower": lower,
        "upper": upper,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(day, "held", kind, count) for day, kind, count in cursor.fetchall()]


def rollup_compute(*, office: Office, start: date, end: date) -> dict[Key, int]:
    """Every non-zero measure of ``office`` for its local days ``start`` to ``end`` (inclusive).

    Two queries whatever the number of days or cases: the counted measures in one UNION ALL of
    GROUP BY queries, and ``held``. Zeros are left out: a missing row means zero.
    """
    values: dict[Key, int] = defaultdict(int)
    for day, measure, key, value in (*_counted(office, start, end), *_held(office, start, end)):
        values[(day, measure, key)] += int(value or 0)
    return {key: value for key, value in values.items() if value}
