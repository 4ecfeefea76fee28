"""Open cases by age: how long what is still on each office's desk has been waiting, step by step.

A case is open until it reaches a terminal status: a passport application until it is handed
over, rejected or cancelled (a printed passport waiting to be collected is still open), a stay
permit application while in ``permits.workflow.OPEN``. Its age is the office's local today minus
its local received date, so a case taken in at 23:30 WIB yesterday is one day old in Semarang.
The date range narrows the received date, so that a supervisor can look at what one period
left behind; the default covers a year.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.kinds import kinds
from offices.models import Office
from reports.definitions.base import Report, ReportFilters
from reports.exports import Column
from reports.routers import report_database

# (column, lowest age, highest age or None): the age buckets, in days, both ends included.
BUCKETS = (
    ("days_0_7", 0, 7),
    ("days_8_14", 8, 14),
    ("days_15_30", 15, 30),
    ("days_31_60", 31, 60),
    ("days_over_60", 61, None),
)

KIND_SQL = """
SELECT '{kind}' AS kind, c.office_id, c.status, {buckets},
       COUNT(*) AS total, MIN(c.received) AS oldest_received
FROM (
    SELECT a.office_id, a.status,
           timezone(f.timezone, a.created_at)::date AS received,
           timezone(f.timezone, %(now)s)::date - timezone(f.timezone, a.created_at)::date AS age
    FROM {table} a
    JOIN {offices} f ON f.id = a.office_id
    WHERE a.office_id = ANY(%(offices)s) AND NOT (a.status = ANY(%(closed_{kind})s))
      AND a.created_at >= %(lower)s AND a.created_at < %(upper)s {type_condition}
) c
WHERE c.received BETWEEN %(start)s AND %(end)s
GROUP BY c.office_id, c.status
"""


def _bucket_sql(low: int, high: int | None) -> str:
    if high is None:
        return f"COUNT(*) FILTER (WHERE c.age >= {low})"
    return f"COUNT(*) FILTER (WHERE c.age BETWEEN {low} AND {high})"


class BacklogReport(Report):
    slug = "backlog"
    title = _("Open cases by age")
    description = _(
        "Per office, kind of case and status: the cases still open (passports not yet handed "
        "over, rejected or cancelled; permits not yet issued, rejected or cancelled) counted by "
        "age, the days from their office-local received date to the office's today, with the "
        "oldest received date. The dates select the cases by their received date; by default the "
        "last 365 days. A type filter narrows its kind of case and leaves the other out."
    )
    columns = (
        Column("office", _("office")),
        Column("office_name", _("office name")),
        Column("kind", _("kind")),
        Column("status", _("status")),
        Column("status_label", _("step")),
        Column("days_0_7", _("0 to 7 days"), "int"),
        Column("days_8_14", _("8 to 14 days"), "int"),
        Column("days_15_30", _("15 to 30 days"), "int"),
        Column("days_31_60", _("31 to 60 days"), "int"),
        Column("days_over_60", _("over 60 days"), "int"),
        Column("total", _("total"), "int"),
        Column("oldest_received", _("oldest received"), "date"),
    )
    default_days = 365

    def rows(self, filters: ReportFilters) -> Sequence[Mapping[str, Any]]:
        """One query: a GROUP BY per kind of case the filters include, joined by UNION ALL."""
        # The columns the query returns, in its order; the office and the step's label are added here.
        names = [column.name for column in self.columns if column.name not in ("office", "office_name", "status_label")]
        buckets = ", ".join(f"{_bucket_sql(low, high)} AS {name}" for name, low, high in BUCKETS)
        lower, upper = filters.utc_window()
        params: dict[str, Any] = {
            "offices": filters.office_ids,
            "start": filters.start,
            "end": filters.end,
            "now": timezone.now(),
            # Narrows the timestamps by their index before their local dates are computed.
            "lower": lower,
            "upper": upper,
        }
        parts = []
        # Each registered kind the filters include, in registration order (the report's).
        included = {spec.name: spec for spec in kinds() if filters.includes(spec.name)}
        for kind, spec in included.items():
            type_condition = ""
            if filters.type_of(kind):
                type_condition = f"AND a.{spec.type_field} = %(type_{kind})s"
                params[f"type_{kind}"] = filters.type_of(kind)
            params[f"closed_{kind}"] = [str(status) for status in spec.closed]
            parts.append(
                KIND_SQL.format(
                    kind=kind,
                    buckets=buckets,
                    table=spec.model._meta.db_table,
                    offices=Office._meta.db_table,
                    type_condition=type_condition,
                )
            )
        with connections[report_database()].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found = cursor.fetchall()
        offices = {office.pk: office for office in filters.offices}
        kind_order = list(included)
        # The rows of a kind follow its workflow: the order its statuses are declared in.
        status_order = {kind: spec.statuses.values for kind, spec in included.items()}
        rows = [
            {
                "office": offices[office_id].code,
                "office_name": offices[office_id].name,
                **dict(zip(names, (kind, status, *counts), strict=True)),
                "status_label": included[kind].statuses(status).label,
            }
            for kind, office_id, status, *counts in found
        ]
        return sorted(
            rows,
            key=lambda row: (
                row["office"],
                kind_order.index(row["kind"]),
                status_order[row["kind"]].index(row["status"]),
            ),
        )
