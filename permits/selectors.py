"""Reads of stay permits: what a user may see, and where each foreigner stands today.

A foreigner is **covered** on a day one of their permits runs; after their last permit ends they
are **protected** while an application filed before that end is pending (whatever holds it: an
outage or ordinary processing), and **overstaying** otherwise. Overstay counts from the later of
the permit's end and the day a timely application closed without a new permit.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import DateField, Exists, F, Func, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Now
from django.utils import timezone

from casework.selectors import case_held_by
from offices.models import Outage
from offices.selectors import user_scope
from permits.models import Foreigner, PermitStatus, Sponsor, StayPermit, StayPermitApplication
from permits.rules import overstay_fine
from permits.workflow import CLOSED, OPEN

# Permits that count for a stay: superseded ones did until their successor began, cancelled never.
COUNTING = (PermitStatus.ACTIVE, PermitStatus.EXPIRED, PermitStatus.SUPERSEDED)


class StayState:
    COVERED = "covered"
    PROTECTED = "protected"
    OVERSTAYING = "overstaying"
    UNKNOWN = "unknown"  # no permit recorded for this foreigner


def permit_applications_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[StayPermitApplication]:
    """The one answer to "which stay permit applications may this user see"."""
    return StayPermitApplication.objects.filter(user_scope(user).filter_for("office")).select_related(
        "office", "foreigner", "sponsor", "current_permit"
    )


def stay_permits_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[StayPermit]:
    """Issued permits of the offices in the user's scope."""
    return StayPermit.objects.filter(user_scope(user).filter_for("office")).select_related(
        "office", "holder", "sponsor", "application", "previous"
    )


def foreigners_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Foreigner]:
    """Foreigners with an application or a permit at an office in the user's scope."""
    scope = user_scope(user)
    if scope.everything:
        return Foreigner.objects.all()
    return Foreigner.objects.filter(
        Q(pk__in=permit_applications_visible_to(user).values("foreigner_id"))
        | Q(pk__in=stay_permits_visible_to(user).values("holder_id"))
    )


def sponsors_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Sponsor]:
    """Sponsors of an application or a permit at an office in the user's scope."""
    if user_scope(user).everything:
        return Sponsor.objects.all()
    return Sponsor.objects.filter(
        Q(pk__in=permit_applications_visible_to(user).values("sponsor_id"))
        | Q(pk__in=stay_permits_visible_to(user).values("sponsor_id"))
    )


class OfficeToday(Func):
    """The date now in the office's own time zone, in SQL: ``timezone(office.timezone, now())``."""

    function = "timezone"
    output_field = DateField()

    def __init__(self, zone_field: str) -> None:
        super().__init__(F(zone_field), Now())

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"({sql})::date", params


def stay_exceptions(queryset: QuerySet[StayPermit]) -> QuerySet[StayPermit]:
    """Permits in ``queryset`` that have ended with no successor, annotated with where the holder stands.

    ``local_today``: the office's date; ``protecting_id``: the pending application filed in time,
    if any (the holder is protected); ``protection_ended_on``: the last day a timely application
    closed without a successor (overstay counts from then, not from the permit's end).
    """
    # A later permit of the holder (issued on a new application, so not linked, perhaps at another
    # office) means this one is not where the holder stands.
    later = StayPermit.objects.filter(
        holder=OuterRef("holder"), status__in=COUNTING, valid_until__gt=OuterRef("valid_until")
    )
    return _ended(queryset.filter(status__in=(PermitStatus.ACTIVE, PermitStatus.EXPIRED)).filter(~Exists(later)))


def _ended(queryset: QuerySet[StayPermit]) -> QuerySet[StayPermit]:
    """Permits in ``queryset`` whose last day is past, annotated as ``stay_exceptions`` describes."""
    timely = StayPermitApplication.objects.filter(current_permit=OuterRef("pk"), filed_on__lte=OuterRef("valid_until"))
    return (
        queryset.annotate(local_today=OfficeToday("office__timezone"))
        .filter(valid_until__lt=F("local_today"))
        .annotate(
            protecting_id=Subquery(timely.filter(status__in=OPEN).order_by("pk").values("pk")[:1]),
            protection_ended_on=Subquery(
                timely.filter(status__in=CLOSED)
                .values("current_permit")
                .annotate(last=Max("closed_on"))
                .values("last")[:1]
            ),
        )
    )


def stay_exceptions_visible_to(
    user: AbstractBaseUser | AnonymousUser, *, state: str | None = None
) -> QuerySet[StayPermit]:
    """Holders of the user's offices in protected stay or overstaying, most urgent first."""
    queryset = stay_exceptions(stay_permits_visible_to(user))
    if state == StayState.PROTECTED:
        queryset = queryset.filter(protecting_id__isnull=False)
    elif state == StayState.OVERSTAYING:
        queryset = queryset.filter(protecting_id__isnull=True)
    return queryset.order_by("valid_until", "pk")


@dataclass(frozen=True)
class Stay:
    """Where a foreigner stands on ``day``, and why."""

    state: str
    day: date
    permit: StayPermit | None = None
    application: StayPermitApplication | None = None
    since: date | None = None
    overstay_days: int = 0
    fine_idr: int = 0
    held_by: list[Outage] = field(default_factory=list)


def stay_of_exception(
    permit: StayPermit,
    *,
    applications: dict[int, StayPermitApplication] | None = None,
    active_outages: list[Outage] | None = None,
) -> Stay:
    """The stay of a holder whose ``permit`` (a row of ``stay_exceptions``) has ended."""
    day = permit.local_today
    if permit.protecting_id is not None:
        application = (applications or {}).get(permit.protecting_id) or StayPermitApplication.objects.select_related(
            "office"
        ).get(pk=permit.protecting_id)
        return Stay(
            state=StayState.PROTECTED,
            day=day,
            permit=permit,
            application=application,
            since=permit.valid_until + timedelta(days=1),
            held_by=case_held_by(application, active_outages=active_outages),
        )
    since = max(permit.valid_until, permit.protection_ended_on or permit.valid_until) + timedelta(days=1)
    days = (day - since).days + 1
    return Stay(
        state=StayState.OVERSTAYING,
        day=day,
        permit=permit,
        since=since,
        overstay_days=days,
        fine_idr=overstay_fine(days),
    )


def foreigner_stay(foreigner: Foreigner) -> Stay:
    """Which permit covers ``foreigner`` today, or why they are protected, or how long they overstayed."""
    permits = StayPermit.objects.filter(holder=foreigner, status__in=COUNTING).select_related("office")
    latest = permits.order_by("-valid_until", "-pk").first()
    if latest is None:
        return Stay(state=StayState.UNKNOWN, day=timezone.localdate())
    today = latest.office.local_today()
    covering = permits.filter(valid_from__lte=today, valid_until__gte=today).order_by("-valid_until").first()
    if covering is not None:
        return Stay(state=StayState.COVERED, day=today, permit=covering, since=covering.valid_from)
    ended = stay_exceptions(StayPermit.objects.filter(pk=latest.pk).select_related("office")).first()
    if ended is None:
        # The latest permit starts later (a conversion issued to begin after the permit it
        # replaced ended): nothing covers the gap, so the holder stands where the permit before
        # it left them.
        ended = _ended(permits.filter(valid_until__lt=latest.valid_from)).order_by("-valid_until", "-pk").first()
        if ended is None:
            return Stay(state=StayState.UNKNOWN, day=today, permit=latest)
    return stay_of_exception(ended)
