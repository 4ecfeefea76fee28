"""What the HTTP suite reads and writes: the year of cases, its users and their credentials, and the rows it asks for.

The cases are ``bench.year_of_cases``'s, with the history triggers on (each row has the insert
event the application writes for it) and the daily rollup rebuilt from them (``bench.reports``),
so the reports read what the application would have written. Ids are given office by office
(offices in code order), while the tables are stored in the order cases were taken in (CLUSTER
on ``created_at``): the lists of the office with the lowest ids are measured beside those of SMG,
since newest-first by id finds that office's cases last.
"""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bench.load import once, request

if TYPE_CHECKING:  # Django is set up at run time
    from django.contrib.auth.models import User

    from offices.models import Office, Region


@dataclass
class Filled:
    cases: int
    generate_seconds: float
    rollup_seconds: float
    rollup_rows: int


def fill(*, cases: int, now: datetime) -> Filled:
    """The year of cases with its history, and the rollup of the year rebuilt (timed)."""
    from django.db import connection

    from bench.release import QueryCounter
    from bench.reports import reader, rollup_build
    from bench.year_of_cases import SPAN_DAYS, generate
    from offices.roles import Role
    from reports.models import DailyRollup

    admin = reader("bench", Role.NATIONAL_ADMIN)
    first_day = now.date() - timedelta(days=SPAN_DAYS)
    made = generate(cases=cases, actor_id=admin.pk, first_day=first_day, now=now, history=True)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        seconds, _refreshes, _queries = rollup_build(first_day=first_day, counter=counter)
    return Filled(
        cases=made.passports + made.permits + made.extensions,
        generate_seconds=made.seconds,
        rollup_seconds=seconds,
        rollup_rows=DailyRollup.objects.count(),
    )


@dataclass
class Person:
    """A bench user: the token the API is called with, the session cookie the admin is read with."""

    username: str
    password: str
    token: str = ""
    session: str = ""

    def api(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}"}

    def browser(self) -> dict[str, str]:
        return {"Cookie": f"sessionid={self.session}", "Accept-Language": "id"}


def person(username: str, role: str, *, office: "Office | None" = None, region: "Region | None" = None) -> Person:
    """A user holding ``role`` at its scope, with a fresh password and an admin session."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from offices.models import Membership

    user: User
    user, _created = get_user_model().objects.get_or_create(username=username)
    password = secrets.token_urlsafe(16)
    user.set_password(password)
    user.save()
    Membership.objects.get_or_create(user=user, role=role, office=office, region=region)
    user = get_user_model().objects.get(pk=user.pk)
    # What a login through the admin's form leaves in the session, without its form and CSRF round.
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return Person(username=username, password=password, session=session.session_key or "")


def login(person: Person, *, port: int) -> None:
    """A token from ``POST /api/v1/auth/token/``, as an API client gets one."""
    import json

    status, body = once(
        request("POST", "/api/v1/auth/token/", body={"username": person.username, "password": person.password}),
        port=port,
    )
    if status != 200:
        raise RuntimeError(f"login of {person.username}: HTTP {status} {body[:300]!r}")
    person.token = json.loads(body)["token"]


@dataclass
class Picks:
    """The rows and the people the figures ask for."""

    national: Person
    desk: Person  # front desk at SMG: intake and actions
    low_desk: Person  # front desk at the office with the lowest ids: the admin's changelist
    supervisor: Person  # regional supervisor of the busiest region: its reports
    low_office: str
    region: str
    passport: str  # an SMG passport's reference, mid-year
    passport_pk: int
    name: str  # an applicant's full name, national search
    nik: str
    permit: str  # a stay permit application's reference
    actionable: list[str]  # SMG references the bare action writes to
    month: tuple[date, date]


def pick(*, now: datetime) -> Picks:
    """The users (created here) and the rows the figures read."""
    from applications.models import PassportApplication
    from bench.reports import busiest_region, last_full_month
    from offices.models import Office
    from offices.roles import Role
    from permits.models import StayPermitApplication

    smg = Office.objects.get(code="SMG")
    low = Office.objects.get(pk=PassportApplication.objects.order_by("id").values_list("office", flat=True)[:1][0])
    region = busiest_region()
    smg_cases = PassportApplication.objects.filter(office=smg).order_by("id")
    middle = smg_cases.count() // 2
    passport = smg_cases.select_related("applicant")[middle]
    other = PassportApplication.objects.select_related("applicant").order_by("id")[middle * 3]
    permits = StayPermitApplication.objects.order_by("id")
    permit = permits[permits.count() // 2]
    return Picks(
        national=person("bench", Role.NATIONAL_ADMIN),
        desk=person("bench-desk-smg", Role.FRONT_DESK, office=smg),
        low_desk=person(f"bench-desk-{low.code.lower()}", Role.FRONT_DESK, office=low),
        supervisor=person(f"bench-supervisor-{region.code}", Role.REGIONAL_SUPERVISOR, region=region),
        low_office=low.code,
        region=region.code,
        passport=passport.reference,
        passport_pk=passport.pk,
        name=passport.applicant.full_name,
        nik=other.applicant.nik,
        permit=permit.reference,
        actionable=list(smg_cases.values_list("reference", flat=True)[:200]),
        month=last_full_month(now.date()),
    )
