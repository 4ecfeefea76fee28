"""Demo rollup: the days the other apps' demo cases span, counted so the dashboard opens with numbers.

The demo cases are written with past dates that no case change refreshes, so the rollup of the
offices holding them is recomputed over the last ``DEMO_DAYS`` days. Running it again changes
nothing.
"""

from datetime import timedelta

from applications.models import PassportApplication
from offices.models import Office
from permits.models import StayPermitApplication
from reports.services import rollup_refresh

DEMO_DAYS = 90


def demo_seed(*, password: str) -> str:
    """Refresh the rollup of every office with demo cases over its last ``DEMO_DAYS`` local days."""
    with_cases = PassportApplication.objects.values("office_id").union(
        StayPermitApplication.objects.values("office_id")
    )
    changed = 0
    offices = Office.objects.filter(pk__in=with_cases).order_by("code")
    for office in offices:
        today = office.local_today()
        changed += len(rollup_refresh(office=office, start=today - timedelta(days=DEMO_DAYS - 1), end=today).changes)
    return f"Demo rollup: {len(offices)} offices counted, {changed} numbers changed."
