"""Reads of releases, their queue and recovery capacity, each through the reader's scope.

A release is found through the outages the reader may see (``outages_visible_to``) and lists only
the offices in their scope; the queue and the capacities are filtered by ``user_scope``.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from offices.outages import outages_visible_to
from offices.selectors import user_scope
from recovery.models import RecoveryCapacity, Release, ReleaseEntry, ReleaseOffice


def release_of_outage(user: AbstractBaseUser, outage_id: int) -> Release:
    """The release of an outage the user may see; 404 when there is none or it is out of sight."""
    visible = outages_visible_to(user).order_by().values("pk")
    return get_object_or_404(Release.objects.filter(outage_id__in=visible), outage_id=outage_id)


def release_offices_visible_to(user: AbstractBaseUser, release: Release) -> QuerySet[ReleaseOffice]:
    """The release's offices in the user's scope, by office code."""
    return (
        ReleaseOffice.objects.filter(release=release)
        .filter(user_scope(user).filter_for("office"))
        .select_related("office")
        .order_by("office__code")
    )


def release_queue_visible_to(user: AbstractBaseUser) -> QuerySet[ReleaseEntry]:
    """Released cases still to be worked at the user's offices, each with its day.

    An entry joins the queue when the job gives it its day; until then (the job running, or the
    office paused) its office's progress counts it as not yet scheduled. It leaves the queue when
    worked, or withdrawn because a later outage holds its case again.
    """
    return (
        ReleaseEntry.objects.filter(worked_at__isnull=True, withdrawn_at__isnull=True, expected_on__isnull=False)
        .filter(user_scope(user).filter_for("office"))
        .select_related("office", "release_office__release")
    )


def recovery_capacities_visible_to(user: AbstractBaseUser) -> QuerySet[RecoveryCapacity]:
    return RecoveryCapacity.objects.filter(user_scope(user).filter_for("office")).select_related("office", "created_by")
