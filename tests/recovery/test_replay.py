"""The replay of 20 June 2024 end to end at a small scale, its determinism, and its refusals."""

import re
from datetime import datetime, time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from applications.models import Applicant, PassportApplication
from applications.workflow import Status as PassportStatus
from casework.calendar import working_days_after
from casework.history import case_timeline
from casework.models import CaseStep, Notification, NotificationStatus, ReferenceCounter
from offices.models import Capability, Office, Outage, OutageScope
from permits.models import Foreigner, Sponsor, StayPermitApplication
from permits.workflow import Status as PermitStatus
from recovery.models import Release, ReleaseEntry, ReleaseOffice
from recovery.replay import REASON, replay_days
from tests.recovery.helpers import national_outage

SMALL = ["--scale", "0.02", "--days", "2", "--force"]
# At 2% of 400 passports and 20 permits a day: 8 passports and (at least) one permit a day.
PASSPORTS_A_DAY, PERMITS_A_DAY = 8, 1
CLEARING = re.compile(r"^  (?P<code>[A-Z]{2,5}) +(?P<cases>\d+) +(?P<days>\d+)  (?P<day>\d{4}-\d{2}-\d{2})$", re.M)


def replay(*args: str) -> str:
    out = StringIO()
    call_command("replay_outage", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def replay_rolled_back(*args: str) -> str:
    """The replay's report, with everything it wrote undone, as if on the same data again."""
    with transaction.atomic():
        report = replay(*args)
        transaction.set_rollback(True)
    return report


def written() -> dict[str, int]:
    return {
        "outages": Outage.objects.count(),
        "passports": PassportApplication.objects.count(),
        "permits": StayPermitApplication.objects.count(),
        "applicants": Applicant.objects.count(),
        "foreigners": Foreigner.objects.count(),
        "sponsors": Sponsor.objects.count(),
        "counters": ReferenceCounter.objects.count(),
        "replay users": get_user_model().objects.filter(username="replay").count(),
        "releases": Release.objects.count(),
    }


class TestReplay:
    def test_the_outage_is_declared_back_then_resolved_by_the_replay_user(self, smg, sby):
        replay(*SMALL)

        outage = Outage.objects.get()
        assert outage.scope == OutageScope.NATIONAL
        assert outage.capabilities == sorted(Capability.values)
        assert outage.declared_by.username == outage.resolved_by.username == "replay"
        assert outage.resolved_at is not None
        first_day = replay_days(office=smg, days=2)[0]
        assert outage.declared_at == datetime.combine(first_day, time(8), tzinfo=smg.zone)
        assert outage.declared_by.memberships.get().role == "national_admin"
        assert not outage.declared_by.has_usable_password()

    def test_each_replayed_case_has_its_steps_as_the_replays_own_at_their_moments(self, smg, sby):
        replay(*SMALL)

        passport = PassportApplication.objects.order_by("pk").first()
        timeline = case_timeline(passport)
        assert [(e.action, e.actor, e.from_status, e.to_status, e.version) for e in timeline] == [
            ("submit", "replay", None, PassportStatus.SUBMITTED, 1),
            ("verify", "replay", PassportStatus.SUBMITTED, PassportStatus.VERIFIED, 2),
            ("record_payment", "replay", PassportStatus.VERIFIED, PassportStatus.PAID, 3),
            ("capture_biometrics", "replay", PassportStatus.PAID, PassportStatus.BIOMETRICS_CAPTURED, 4),
            ("interview", "replay", PassportStatus.BIOMETRICS_CAPTURED, PassportStatus.INTERVIEWED, 5),
            ("release_dated", "system", PassportStatus.INTERVIEWED, PassportStatus.INTERVIEWED, 5),
        ]
        dated = ReleaseEntry.objects.get(kind="passport", case_id=passport.pk).expected_on
        assert timeline[-1].note == dated.isoformat()
        assert CaseStep.objects.get(case_id=passport.pk, action="release_dated").started_by.username == "replay"
        timeline = timeline[:-1]
        assert [e.at for e in timeline] == [
            passport.created_at,
            passport.verified_at,
            passport.paid_at,
            passport.biometrics_captured_at,
            passport.interviewed_at,
        ]
        assert {(e.office, e.origin, e.note) for e in timeline} == {
            (passport.office.code, "command:replay_outage", REASON)
        }
        permit = StayPermitApplication.objects.order_by("pk").first()
        assert [(e.action, e.to_status) for e in case_timeline(permit)] == [
            ("submit", PermitStatus.SUBMITTED),
            ("verify", PermitStatus.VERIFIED),
            ("record_payment", PermitStatus.PAID),
            ("capture_biometrics", PermitStatus.BIOMETRICS_CAPTURED),
            ("release_dated", PermitStatus.BIOMETRICS_CAPTURED),
        ]
        # Each step up to the held one, and the release's date: one more each.
        passports, permits = PassportApplication.objects.count(), StayPermitApplication.objects.count()
        assert passports > 1
        assert permits > 1
        assert CaseStep.objects.count() == 6 * passports + 5 * permits

    def test_intake_is_held_at_the_step_waiting_for_central_records_on_each_replayed_day(self, smg, sby):
        replay(*SMALL)

        for office in (smg, sby):
            days = replay_days(office=office, days=2)
            passports = list(PassportApplication.objects.filter(office=office))
            permits = list(StayPermitApplication.objects.filter(office=office))
            assert len(passports) == PASSPORTS_A_DAY * 2
            assert len(permits) == PERMITS_A_DAY * 2
            assert {case.status for case in passports} == {PassportStatus.INTERVIEWED}
            assert {case.status for case in permits} == {PermitStatus.BIOMETRICS_CAPTURED}
            assert {case.permit_type for case in permits} <= {"ITK", "ITAS"}
            for case in passports + permits:
                assert case.awaiting == Capability.CENTRAL_RECORDS
                ready = case.ready_at.astimezone(office.zone)
                assert ready.date() in days
                assert time(8) <= ready.time() <= time(16)
                assert case.created_at < case.ready_at
                series = "WNA-" if isinstance(case, StayPermitApplication) else ""
                assert case.reference.startswith(f"{office.code}-{series}{ready:%y%m%d}-")
            assert [passport.interviewed_at for passport in passports] == [case.ready_at for case in passports]

    def test_every_case_has_one_entry_dated_the_first_working_day_and_the_report_says_when_each_office_clears(
        self, smg, sby
    ):
        report = replay(*SMALL)

        release = Release.objects.get()
        assert release.finished_at is not None
        first_day = working_days_after(smg.local_today(), 1)
        for model, kind in ((PassportApplication, "passport"), (StayPermitApplication, "permit")):
            for case in model.objects.all():
                entries = list(ReleaseEntry.objects.filter(kind=kind, case_id=case.pk))
                assert len(entries) == 1
                assert entries[0].reference == case.reference
                assert entries[0].expected_on == first_day  # a day's capacity serves the whole backlog
        parts = {part.office.code: part for part in ReleaseOffice.objects.filter(total__gt=0).select_related("office")}
        assert set(parts) == {"SBY", "SMG"}
        assert all(part.scheduled == part.total == 18 and part.finished_at for part in parts.values())
        printed = {match["code"]: match for match in CLEARING.finditer(report)}
        assert set(printed) == set(parts)
        for code, match in printed.items():
            assert match["day"] == parts[code].clears_on.isoformat() == first_day.isoformat()
            assert int(match["cases"]) == parts[code].total
        assert "36 cases at 2 offices released; 40 messages stored" in report

    def test_one_message_is_stored_per_recipient_of_each_case(self, smg, sby):
        replay(*SMALL)

        release = Release.objects.get()
        messages = {message.dedupe_key: message for message in Notification.objects.filter(event="scheduled")}
        expected = {}
        for passport in PassportApplication.objects.select_related("applicant"):
            expected[f"{passport.reference}:release{release.pk}"] = passport.applicant.email
        for permit in StayPermitApplication.objects.select_related("foreigner", "sponsor"):
            expected[f"{permit.reference}:release{release.pk}:holder"] = permit.foreigner.email
            expected[f"{permit.reference}:release{release.pk}:sponsor"] = permit.sponsor.email
        assert {key: message.recipient for key, message in messages.items()} == expected
        assert all(message.recipient.endswith("@replay.invalid") for message in messages.values())
        assert {message.status for message in messages.values()} == {NotificationStatus.PENDING}

    def test_the_job_started_on_commit_finds_everything_done_and_the_messages_go_out_once(
        self, smg, sby, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            replay(*SMALL)

        assert len(callbacks) >= 2  # the release job, then the messages of each chunk
        assert ReleaseEntry.objects.count() == 36
        assert ReleaseOffice.objects.get(office=smg).scheduled == 18
        assert Notification.objects.filter(event="scheduled").count() == 40
        assert set(Notification.objects.values_list("status", flat=True)) == {NotificationStatus.SENT}
        stored = sorted(Notification.objects.values_list("recipient", flat=True))
        assert sorted(message.to[0] for message in mail.outbox) == stored


class TestDeterminism:
    def test_the_same_seed_prints_the_same_report_but_for_ids(self, smg, sby):
        first = replay_rolled_back(*SMALL, "--seed", "7")
        second = replay_rolled_back(*SMALL, "--seed", "7")
        other = replay_rolled_back(*SMALL, "--seed", "8")

        def without_ids(report: str) -> str:
            return re.sub(r"#\d+", "#…", report)

        assert without_ids(first) == without_ids(second)
        assert without_ids(first) != without_ids(other)
        assert "Backlog held by the outage:" in first

    def test_queries_do_not_grow_with_the_intake(self, smg, sby):
        """Five times the cases, the same statements: the intake and the release are set-based."""
        counts = []
        for scale in ("0.02", "0.1"):
            with CaptureQueriesContext(connection) as queries:
                replay_rolled_back("--scale", scale, "--days", "2", "--force")
            counts.append(len(queries))

        assert counts[0] == counts[1]


class TestRefusals:
    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--offices", "SMG", "XYZ"], "Unknown or inactive office code(s): XYZ. Codes are like SMG, SBY."),
            (["--days", "0"], "--days must be a whole number of working days from 1 to 30, not 0."),
            (["--days", "31"], "--days must be a whole number of working days from 1 to 30, not 31."),
            (["--scale", "0"], "--scale must be above 0 and at most 10, not 0."),
            (["--scale", "-1"], "--scale must be above 0 and at most 10, not -1."),
        ],
    )
    def test_bad_options_are_refused_and_nothing_is_written(self, offices, args, message):
        before = written()

        with pytest.raises(CommandError) as refused:
            replay(*args, "--force")

        assert str(refused.value) == message
        assert written() == before
        assert before["outages"] == before["passports"] == before["replay users"] == 0

    def test_an_active_outage_at_the_offices_is_refused(self, offices, national_admin):
        outage = national_outage(national_admin)
        before = written()

        with pytest.raises(CommandError, match=f"Outage #{outage.pk} is active at these offices: resolve it first"):
            replay("--force")

        assert written() == before

    def test_without_offices_it_says_to_load_them(self, db):
        assert not Office.objects.exists()

        with pytest.raises(CommandError, match=r"No offices in the database: run `manage.py load_offices` first\."):
            replay("--force")

    def test_with_debug_off_it_needs_force(self, offices, settings):
        settings.DEBUG = False

        with pytest.raises(CommandError, match="for development databases"):
            replay()

        assert written()["outages"] == 0
