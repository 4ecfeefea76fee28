"""The demo rollup counts the demo cases' past days, once."""

from datetime import timedelta

from django.utils import timezone

from reports.demo import demo_seed
from reports.models import DailyRollup
from tests.reports.helpers import passport


def test_the_demo_rollup_counts_past_days_and_a_second_run_changes_nothing(offices):
    smg = offices["SMG"]
    passport(smg, created_at=timezone.now() - timedelta(days=10))
    DailyRollup.objects.all().delete()
    assert demo_seed(password="x") == "Demo rollup: 1 offices counted, 1 numbers changed."
    row = DailyRollup.objects.get()
    assert (row.office, row.day, row.measure, row.value) == (
        smg,
        smg.local_date(timezone.now() - timedelta(days=10)),
        "passport_received",
        1,
    )
    assert demo_seed(password="x") == "Demo rollup: 1 offices counted, 0 numbers changed."
