"""The release job on a real worker and broker, and two workers dating one office at once."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from casework.models import Notification, NotificationStatus
from offices.outages import outage_resolve
from recovery import services
from recovery.models import Release, ReleaseEntry, ReleaseOffice
from recovery.tasks import releases_resume
from tests.recovery.helpers import held, local, national_outage, resolved_on

pytestmark = pytest.mark.django_db(transaction=True)


def test_resolving_an_outage_starts_the_job_on_the_worker_and_each_applicant_is_told_once(
    smg, national_admin, celery_worker
):
    cases = held(smg, 4, start=timezone.now() - timedelta(days=2))
    outage = national_outage(national_admin)

    outage_resolve(actor=national_admin, outage=outage)

    def told() -> bool:
        return Notification.objects.filter(event="scheduled", status=NotificationStatus.SENT).count() == 4

    assert celery_worker.wait_for(told), "the release was not run and sent by the worker"
    release = Release.objects.get(outage=outage)
    assert celery_worker.wait_for(lambda: Release.objects.filter(pk=release.pk, finished_at__isnull=False).exists())
    part = ReleaseOffice.objects.get(release=release, office=smg)
    assert (part.total, part.scheduled) == (4, 4)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(case.applicant.email for case in cases)


def test_the_sweep_starts_a_release_whose_task_was_lost(smg, national_admin, monkeypatch, celery_worker):
    monkeypatch.setattr(services, "release_enqueue", lambda *, release_id: None)
    held(smg, 3, start=local(date(2026, 12, 1)))
    release = resolved_on(national_admin, national_outage(national_admin), local(date(2026, 12, 22)))

    assert releases_resume.delay() is not None

    assert celery_worker.wait_for(lambda: Release.objects.filter(pk=release.pk, finished_at__isnull=False).exists())
    assert ReleaseEntry.objects.filter(release_office__release=release, expected_on__isnull=False).count() == 3


def test_two_workers_on_one_office_date_each_case_once(smg, national_admin, monkeypatch):
    monkeypatch.setattr(services, "release_enqueue", lambda *, release_id: None)
    held(smg, 40, start=local(date(2026, 12, 1)))
    release = resolved_on(national_admin, national_outage(national_admin), local(date(2026, 12, 22)))
    [part] = [part for part in services.release_enlist(release=release) if part.office_id == smg.pk]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            services.release_office_schedule(part_id=part.pk, chunk_size=3)
        except BaseException as failure:  # reported to the test below
            failures.append(failure)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    part.refresh_from_db()
    assert (part.scheduled, part.state) == (40, "done")
    assert ReleaseEntry.objects.filter(release_office=part, expected_on__isnull=True).count() == 0
    assert Notification.objects.filter(event="scheduled").count() == 40
    assert len(mail.outbox) == 40
