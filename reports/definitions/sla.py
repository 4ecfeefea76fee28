"""SLA breaches: each passport printed late, or still unprinted past its due date, with outage time apart.

A passport is due to be printed by ``sla_due_date`` (four working days after the interview).
The breaches are those ``PassportApplication.sla_breached`` finds, read set-based in one query:

- printed late: its office-local print date is after the due date; listed when the print date
  falls within the range;
- still open: unprinted in a status where the SLA clock runs (``SLA_OPEN``) and due before the
  office's local today; listed when the due date falls within the range.

The days held by outages are counted as the ``held`` measure counts them (``reports.measures``):
the office-local days at whose end a blocking outage held the case. A resolved outage held the
cases its release enlisted, from the later of their ``ready_at`` and the declaration, through
the day before the local date of the resolution; an active one holds the cases awaiting a
capability it takes down at their office, through today. Days held by two overlapping outages
count once.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import PassportApplication
from applications.workflow import SLA_OPEN
from casework.kinds import CaseKind
from offices.models import Office, Outage, OutageScope
from recovery.models import Release, ReleaseEntry, ReleaseOffice
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

COLUMNS = (
    "office",
    "office_name",
    "reference",
    "application_type",
    "received",
    "due",
    "printed",
    "days_over",
    "days_held",
    "days_over_net",
)

SQL = """
WITH cases AS (
    SELECT a.id, a.office_id, f.region_id, f.code AS office, f.name AS office_name, f.timezone AS zone,
           a.reference, a.application_type, a.awaiting, a.ready_at,
           timezone(f.timezone, a.created_at)::date AS received,
           a.sla_due_date AS due,
           timezone(f.timezone, a.printed_at)::date AS printed,
           COALESCE(timezone(f.timezone, a.printed_at)::date, timezone(f.timezone, %(now)s)::date) AS until,
           timezone(f.timezone, %(now)s)::date AS today
    FROM {passports} a
    JOIN {offices} f ON f.id = a.office_id
    WHERE a.office_id = ANY(%(offices)s) AND a.sla_due_date IS NOT NULL {type_condition}
      AND (
          (a.printed_at >= %(lower)s AND a.printed_at < %(upper)s
           AND timezone(f.timezone, a.printed_at)::date > a.sla_due_date
           AND timezone(f.timezone, a.printed_at)::date BETWEEN %(start)s AND %(end)s)
          OR (a.printed_at IS NULL AND a.status = ANY(%(open)s)
              AND a.sla_due_date < timezone(f.timezone, %(now)s)::date
              AND a.sla_due_date BETWEEN %(start)s AND %(end)s)
      )
),
holds AS (
    -- Resolved outages: the cases their releases enlisted, held until the resolution.
    SELECT c.id AS case_id, GREATEST(e.ready_at, o.declared_at) AS held_from, o.resolved_at AS held_until
    FROM cases c
    JOIN {entries} e ON e.kind = %(kind)s AND e.case_id = c.id
    JOIN {release_offices} ro ON ro.id = e.release_office_id
    JOIN {releases} r ON r.id = ro.release_id
    JOIN {outages} o ON o.id = r.outage_id
    WHERE o.resolved_at IS NOT NULL
    UNION ALL
    -- Active blocking outages: the cases awaiting a capability they take down, held until now.
    SELECT c.id, GREATEST(c.ready_at, o.declared_at), NULL
    FROM cases c
    JOIN {outages} o ON o.resolved_at IS NULL AND o.capacity_percent IS NULL
        AND c.awaiting = ANY(o.capabilities)
        AND (o.scope = %(national)s
             OR (o.scope = %(region)s AND o.region_id = c.region_id)
             OR (o.scope = %(office)s AND o.office_id = c.office_id))
    WHERE c.awaiting <> ''
),
held_days AS (
    SELECT DISTINCT h.case_id, d.day::date AS day
    FROM holds h
    JOIN cases c ON c.id = h.case_id
    CROSS JOIN LATERAL generate_series(
        timezone(c.zone, h.held_from)::date,
        COALESCE(timezone(c.zone, h.held_until)::date - 1, c.today),
        interval '1 day'
    ) AS d(day)
)
SELECT c.office, c.office_name, c.reference, c.application_type, c.received, c.due, c.printed,
       c.until - c.due AS days_over,
       COUNT(h.day) AS days_held,
       c.until - c.due - COUNT(h.day) FILTER (WHERE h.day > c.due AND h.day <= c.until) AS days_over_net
FROM cases c
LEFT JOIN held_days h ON h.case_id = c.id
GROUP BY c.id, c.office, c.office_name, c.reference, c.application_type, c.received, c.due, c.printed, c.until
ORDER BY c.office, days_over DESC, c.reference
"""


class SlaReport(Report):
    slug = "sla"
    title = _("SLA breaches")
    description = _(
        "Each passport printed after its due date (listed by its local print date) or still waiting "
        "for printing past its due date (listed by its due date), with the days over: from the due "
        "date to the print date, or to the office's today while unprinted. Days held counts the "
        "office-local days at whose end a blocking outage held the case (the days of the held "
        "measure); the days over net of outages leave out the held days after the due date, so they "
        "are never below zero. Only the application type filter applies."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("reference", _("reference")),
        Column("application_type", _("application type")),
        Column("received", _("received"), "date"),
        Column("due", _("due"), "date"),
        Column("printed", _("printed"), "date"),
        Column("days_over", _("days over"), "int"),
        Column("days_held", _("days held by outages"), "int"),
        Column("days_over_net", _("days over net of outages"), "int"),
    )
    type_filters = frozenset({"application_type"})

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        """One query: the breached cases, their hold intervals and the held days, set-based."""
        lower, upper = filters.utc_window()
        params: dict[str, Any] = {
            "offices": filters.office_ids,
            "start": filters.start,
            "end": filters.end,
            "now": timezone.now(),
            # Narrows the timestamps by their index before their local dates are computed.
            "lower": lower,
            "upper": upper,
            "open": [str(status) for status in SLA_OPEN],
            # The entries of passports: an entry's ``case_id`` is an id in its kind's table.
            "kind": CaseKind.PASSPORT.value,
            "national": OutageScope.NATIONAL.value,
            "region": OutageScope.REGION.value,
            "office": OutageScope.OFFICE.value,
        }
        type_condition = ""
        if filters.types.get("application_type"):
            type_condition = "AND a.application_type = %(type)s"
            params["type"] = filters.types["application_type"]
        sql = SQL.format(
            passports=PassportApplication._meta.db_table,
            offices=Office._meta.db_table,
            entries=ReleaseEntry._meta.db_table,
            release_offices=ReleaseOffice._meta.db_table,
            releases=Release._meta.db_table,
            outages=Outage._meta.db_table,
            type_condition=type_condition,
        )
        with connections[report_database()].cursor() as cursor:
            cursor.execute(sql, params)
            return [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
