"""The figures of the HTTP suite: each endpoint as clients call it, and its bare baseline.

Reads go as the national administrator (national lists and searches), the busiest region's
supervisor (its reports) or an office's front desk (the admin's changelist); writes as SMG's
front desk: intake (``POST``) of new applicants, then an action (``return-documents``, which
sends a message) on the cases just taken in, each case once.
"""

import itertools
import json
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from bench.fixtures import Picks
from bench.load import Sink, Source, request
from bench.targets import ADMIN, DETAIL, LIST, REPORT_NATION, REPORT_REGION, WRITE

API = "/api/v1"
BARE = "/bench/bare"


@dataclass
class Spec:
    """One endpoint to measure: its requests, its baseline's, and which answers count as success."""

    name: str
    kind: str
    source: Source
    baseline: Source | None
    ok: tuple[int, ...] = (200,)
    sink: Sink | None = None
    # How many requests the next run may send (the cases left to act on), or None for no limit.
    budget: Callable[[], int | None] = field(default=lambda: None)


def fixed(data: bytes) -> Source:
    return lambda _index: data


def get(path: str, headers: dict[str, str] | None = None) -> Source:
    return fixed(request("GET", path, headers=headers))


def reads(picks: Picks) -> list[Spec]:
    """Detail, lists (national, by office, searches), stay permits: the figures checked against a baseline."""
    national = picks.national.api()
    passports, bare = f"{API}/passport-applications/", f"{BARE}/passport-applications/"

    def listing(name: str, query: dict[str, str]) -> Spec:
        suffix = f"?{urlencode(query)}" if query else ""
        return Spec(name, LIST, get(passports + suffix, national), get(bare + suffix))

    return [
        Spec(
            "passport detail", DETAIL, get(f"{passports}{picks.passport}/", national), get(f"{bare}{picks.passport}/")
        ),
        listing("passport list, national, page 1", {}),
        listing("passport list ?office=SMG", {"office": "SMG"}),
        listing(f"passport list ?office={picks.low_office} (lowest ids)", {"office": picks.low_office}),
        listing("passport search ?q=<name>, national", {"q": picks.name}),
        listing("passport search ?q=<NIK>, national", {"q": picks.nik}),
        Spec(
            "permit application list, national",
            LIST,
            get(f"{API}/stay-permit-applications/", national),
            get(f"{BARE}/stay-permit-applications/"),
        ),
        Spec(
            "permit application detail",
            DETAIL,
            get(f"{API}/stay-permit-applications/{picks.permit}/", national),
            get(f"{BARE}/stay-permit-applications/{picks.permit}/"),
        ),
        Spec(
            "stay-permits/protected, national",
            LIST,
            get(f"{API}/stay-permits/protected/", national),
            get(f"{BARE}/stay-permits/ended/"),
        ),
    ]


class Intake:
    """New applicants' bodies, each with a NIK no other has, and the references the answers carry."""

    def __init__(self) -> None:
        # A random start, so that a second run on the same database takes in other NIKs.
        self.numbers = itertools.count(random.randrange(0, 50_000_000))
        self.taken: deque[str] = deque()

    def body(self) -> dict[str, object]:
        number = next(self.numbers)
        born = date(1970, 1, 1) + timedelta(days=number // 9000)
        # Province 33, regency and district 99: apart from the generated applicants' NIKs.
        nik = f"339999{born:%d%m%y}{number % 9000 + 1:04d}"
        return {
            "office": "SMG",
            "applicant": {
                "nik": nik,
                "full_name": f"Warga Uji {number}",
                "birth_place": "Semarang",
                "birth_date": born.isoformat(),
                "sex": "M",
                "address": f"Jl. Pandanaran No. {number % 500 + 1}, Semarang",
                "phone": f"0812{number % 100_000_000:08d}",
                "email": "",
            },
            "application_type": "new",
            "previous_passport_number": "",
            "passport_kind": "electronic",
            "validity_years": 10,
            "service": "regular",
            "channel": "appointment",
            "priority": "",
            "note": "",
        }

    def keep(self, status: int, body: bytes) -> None:
        if status == 201:
            self.taken.append(json.loads(body)["reference"])


def writes(picks: Picks, intake: Intake, label: str) -> list[Spec]:
    """Intake, then an action on the cases taken in: ``label`` says with a broker or eager."""
    desk = picks.desk.api()
    cycle = itertools.cycle(picks.actionable)

    def create(_index: int) -> bytes:
        return request("POST", f"{API}/passport-applications/", headers=desk, body=intake.body())

    def bare_create(_index: int) -> bytes:
        return request("POST", f"{BARE}/passport-applications/", body=intake.body())

    def act(_index: int) -> bytes:
        reference = intake.taken.popleft()
        path = f"{API}/passport-applications/{reference}/return-documents/"
        return request("POST", path, headers=desk, body={"note": "Fotokopi KK kurang jelas"})

    def bare_act(_index: int) -> bytes:
        return request("POST", f"{BARE}/passport-applications/{next(cycle)}/action/", body={"note": "-"})

    return [
        Spec(f"passport create (POST), {label}", WRITE, create, bare_create, ok=(201,), sink=intake.keep),
        Spec(
            f"passport action return-documents (POST), {label}",
            WRITE,
            act,
            bare_act,
            budget=lambda: len(intake.taken),
        ),
    ]


def admin(picks: Picks) -> list[Spec]:
    changelist = "/admin/applications/passportapplication/"
    return [
        Spec(
            f"admin changelist, front desk of {picks.low_office}",
            ADMIN,
            get(changelist, picks.low_desk.browser()),
            get(f"{BARE}/passport-applications/?{urlencode({'office': picks.low_office, 'size': 100})}"),
        ),
        Spec(
            "admin changelist ?q=<name>, national admin",
            ADMIN,
            get(f"{changelist}?{urlencode({'q': picks.name})}", picks.national.browser()),
            get(f"{BARE}/passport-applications/?{urlencode({'q': picks.name, 'size': 100})}"),
        ),
        Spec(
            "admin change page",
            ADMIN,
            get(f"{changelist}{picks.passport_pk}/change/", picks.national.browser()),
            get(f"{BARE}/passport-applications/{picks.passport}/"),
        ),
    ]


def reports(picks: Picks, today: date) -> list[Spec]:
    """Every registered report, for the busiest region's last full month and for the nation's."""
    from bench.reports import report_range
    from reports.registry import REPORTS

    specs = []
    for slug, report in REPORTS.items():
        start, end = report_range(report, month=picks.month, today=today)
        for kind, reader, scope in (
            (REPORT_REGION, picks.supervisor, {"region": picks.region}),
            (REPORT_NATION, picks.national, {}),
        ):
            query = urlencode({**scope, "start": start.isoformat(), "end": end.isoformat()})
            where = f"region {picks.region}" if scope else "nation"
            specs.append(
                Spec(
                    f"report {slug}, {where}, {start:%Y-%m}",
                    kind,
                    get(f"{API}/reports/{slug}/?{query}", reader.api()),
                    get(f"{BARE}/rollup/?{query}"),
                )
            )
    return specs
