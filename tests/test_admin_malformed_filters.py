"""Every admin changelist, asked with malformed filters, answers as to any wrong input: never a 500.

The changelists are those registered on the admin site when the tests are collected, so a model
admin added later is walked too. The malformed values are built from each changelist's filters,
date hierarchy and search, and from its model's fields; each kind of value has its own answer:

- a NUL character anywhere in the query string: 400, from ``RefuseNulMiddleware``;
- a lookup the database cannot run (a year no date has, a key that is no number, a page past
  the last, a field that does not exist): 302 to ``?e=1``, Django's "incorrect lookup";
- a value that is only unknown (a choice no row has, an id no row has, ordering or a page that
  is no number, a time-zone offset PostgreSQL refuses but Python reads): 200.

A national administrator gets 403 from the changelists they may not view, whatever the filters,
and a changelist that is a page of its own (the reports' dashboard) reads no filters: 200.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.admin import FieldListFilter, ListFilter, ModelAdmin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from pghistory import core

from offices.models import Office
from plumbing.middleware import NAMED_PARAMETERS
from tests.support.factories import OfficeFactory, RegionFactory, UserFactory

pytestmark = pytest.mark.slow

OK = HTTPStatus.OK
INCORRECT_LOOKUP = HTTPStatus.FOUND
BAD_REQUEST = HTTPStatus.BAD_REQUEST

HUGE_ID = "99999999999999999999999"
NUL = "a\x00b"
# Offsets of 16 hours or more: Python reads them, PostgreSQL refuses them in a timestamptz.
OFFSETS_POSTGRESQL_REFUSES = ["2026-01-01T00:00:00-23:59", "2026-01-01T00:00:00+16:00"]
BAD_YEARS = ["0", "99999", "abc"]


@dataclass(frozen=True)
class Malformed:
    """A query string a changelist is asked with, and the one answer it must give."""

    name: str
    params: dict[str, str] = field(hash=False)
    status: HTTPStatus


def _changelists() -> list[tuple[type[models.Model], ModelAdmin]]:
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)


def _refuses(target: models.Field, value: str) -> bool:
    """Whether the database could not be asked for ``value`` in ``target`` (a key that is no number)."""
    try:
        target.to_python(value)
    except ValidationError:
        return True
    return False


def _key_values(path: str, target: models.Field) -> Iterator[Malformed]:
    """A key that is no number, and one past any integer column."""
    yield Malformed(f"{path}=abc", {path: "abc"}, INCORRECT_LOOKUP if _refuses(target, "abc") else OK)
    # An integer out of range finds no row (Django's IntegerFieldOverflow); text finds none either.
    yield Malformed(f"{path}=huge", {path: HUGE_ID}, OK)


def _filter_paths(model: type[models.Model], model_admin: ModelAdmin) -> Iterator[tuple[str, models.Field | None]]:
    """The field path of each list filter on a field, or the parameter of each simple filter."""
    for list_filter in model_admin.list_filter:
        if isinstance(list_filter, type) and issubclass(list_filter, ListFilter):
            if not issubclass(list_filter, FieldListFilter):
                yield list_filter.parameter_name, None
            continue
        path = list_filter[0] if isinstance(list_filter, (list, tuple)) else list_filter
        yield path, get_fields_from_path(model, path)[-1]


def _field_values(path: str, model_field: models.Field) -> Iterator[Malformed]:
    if model_field.is_relation:
        target = model_field.target_field
        yield from _key_values(f"{path}__{target.name}__exact", target)
        # The admin reads any ``__isnull`` but "", "false" and "0" as true.
        yield Malformed(f"{path}__isnull=abc", {f"{path}__isnull": "abc"}, OK)
        yield Malformed(f"{path}__in=1,abc", {f"{path}__in": "1,abc"}, INCORRECT_LOOKUP)
    elif isinstance(model_field, models.DateField):
        for year in BAD_YEARS:
            yield Malformed(f"{path}__year={year}", {f"{path}__year": year}, INCORRECT_LOOKUP)
        if isinstance(model_field, models.DateTimeField):
            for value in OFFSETS_POSTGRESQL_REFUSES:
                yield Malformed(f"{path}__gte={value}", {f"{path}__gte": value}, OK)
        else:
            yield Malformed(f"{path}__gte=abc", {f"{path}__gte": "abc"}, INCORRECT_LOOKUP)
    elif isinstance(model_field, models.BooleanField):
        yield Malformed(f"{path}__exact=abc", {f"{path}__exact": "abc"}, INCORRECT_LOOKUP)
    elif model_field.choices:
        yield Malformed(f"{path}__exact=nosuch", {f"{path}__exact": "nosuch"}, OK)
    elif isinstance(model_field, (models.IntegerField, models.DecimalField, models.FloatField)):
        yield Malformed(f"{path}__exact=abc", {f"{path}__exact": "abc"}, INCORRECT_LOOKUP)
        yield Malformed(f"{path}__exact=huge", {f"{path}__exact": HUGE_ID}, OK)
    else:
        yield Malformed(f"{path}__exact=nosuch", {f"{path}__exact": "nosuch"}, OK)


def _malformed(model: type[models.Model], model_admin: ModelAdmin) -> Iterator[Malformed]:
    pk = model._meta.pk
    yield Malformed("q=NUL", {"q": NUL}, BAD_REQUEST)
    yield Malformed(f"{pk.name}__exact=NUL", {f"{pk.name}__exact": NUL}, BAD_REQUEST)
    yield Malformed("NUL=1", {NUL: "1"}, BAD_REQUEST)
    yield from _key_values(f"{pk.name}__exact", pk)
    yield from _key_values("pk", pk)
    yield Malformed("nosuch=1", {"nosuch": "1"}, INCORRECT_LOOKUP)
    yield Malformed("o=abc", {"o": "abc"}, OK)
    yield Malformed("o=99", {"o": "99"}, OK)
    yield Malformed("o=1.-99.x", {"o": "1.-99.x"}, OK)
    # A list of one page shows it whatever page is asked for (see ``test_a_page_past_the_last``).
    for page in ["abc", "-1", "999999", HUGE_ID]:
        yield Malformed(f"p={page}", {"p": page}, OK)
    yield Malformed("_facets=abc", {"_facets": "abc"}, OK)
    yield Malformed("_to_field=nosuch", {"_to_field": "nosuch"}, BAD_REQUEST)
    for query in ["abc", HUGE_ID, "%_\\'", "=", '"unclosed']:
        yield Malformed(f"q={query}", {"q": query}, OK)

    seen: set[str] = set()
    for path, model_field in _filter_paths(model, model_admin):
        seen.add(path)
        if model_field is None:
            for value in ["nosuch", "abc", HUGE_ID]:
                yield Malformed(f"{path}={value}", {path: value}, OK)
            # A NUL in an office or region code is refused by the filter's field, as any unknown code.
            yield Malformed(f"{path}=NUL", {path: NUL}, OK if path in NAMED_PARAMETERS else BAD_REQUEST)
            yield Malformed(f"{path}=nosuch&_facets=1", {path: "nosuch", "_facets": "1"}, OK)
        else:
            yield from _field_values(path, model_field)
    if model_admin.date_hierarchy:
        path = model_admin.date_hierarchy
        for params in [{"year": "0"}, {"year": "2026", "month": "13"}, {"year": "2026", "month": "2", "day": "30"}]:
            query = {f"{path}__{part}": value for part, value in params.items()}
            yield Malformed("&".join(f"{k}={v}" for k, v in query.items()), query, INCORRECT_LOOKUP)
    for model_field in model._meta.concrete_fields:
        if model_field.name not in seen and (model_field.is_relation or isinstance(model_field, models.DateField)):
            yield from _field_values(model_field.name, model_field)


def _cases() -> Iterator[object]:
    for model, model_admin in _changelists():
        for malformed in _malformed(model, model_admin):
            yield pytest.param(model_admin, malformed, id=f"{model._meta.label_lower}?{malformed.name}")


@pytest.fixture(params=["superuser", "national_admin"])
def staff(request, db):
    # Two offices in two regions, so that the filters on offices and regions have a choice to
    # make and are shown: a filter with one choice or none is left out, and so is its parameter.
    for office_code, region_code in [("TSA", "98"), ("TSB", "99")]:
        OfficeFactory(code=office_code, region=RegionFactory(code=region_code))
    if request.param == "superuser":
        return UserFactory(username="root", is_staff=True, is_superuser=True)
    return request.getfixturevalue("national_admin")


# Whether each admin's changelist is Django's list, read from its first answer of 200.
_LISTS: dict[type[ModelAdmin], bool] = {}


def _is_list(client, model_admin: ModelAdmin, url: str) -> bool:
    if type(model_admin) not in _LISTS:
        response = client.get(url)
        assert response.status_code == OK, response.status_code
        _LISTS[type(model_admin)] = "cl" in response.context
    return _LISTS[type(model_admin)]


def _may_view(user, model_admin: ModelAdmin, url: str) -> bool:
    request = RequestFactory().get(url)
    request.user = user
    return model_admin.has_view_or_change_permission(request)


def _holds_nul(params: dict[str, str]) -> bool:
    return any("\x00" in text for item in params.items() for text in item)


@pytest.mark.parametrize(("model_admin", "malformed"), list(_cases()))
def test_a_malformed_filter_is_answered_without_a_server_error(client, staff, model_admin, malformed):
    client.force_login(staff)
    client.raise_request_exception = False
    opts = model_admin.opts
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.get(url, malformed.params)
    expected = malformed.status
    # The NUL is refused before the admin is reached; anything else meets its permission check.
    if not _holds_nul(malformed.params):
        if not _may_view(staff, model_admin, url):
            expected = HTTPStatus.FORBIDDEN
        elif not _is_list(client, model_admin, url):
            expected = OK
    assert response.status_code == expected, f"{response.status_code} {response.get('Location')}"
    if expected == INCORRECT_LOOKUP:
        assert response["Location"] == f"{url}?e=1"


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("page", ["-1", "0", "3", "999999", HUGE_ID])
def test_a_page_past_the_last_is_an_incorrect_lookup(superuser_client, page):
    Group.objects.bulk_create(Group(name=f"group {n}") for n in range(101))  # two pages of 100
    url = reverse("admin:auth_group_changelist")
    response = superuser_client.get(url, {"p": page})
    assert response.status_code == INCORRECT_LOOKUP
    assert response["Location"] == f"{url}?e=1"


EVENTS = "admin:pghistory_events_changelist"


@pytest.fixture
def office():
    return OfficeFactory(code="TST", region=RegionFactory(code="99"))


@pytest.mark.parametrize(
    "params",
    [
        {"obj": "offices.Office:abc"},
        {"obj": "offices.Office:"},
        {"obj": "offices.Office:999999"},
        {"obj": f"offices.Office:{HUGE_ID}"},
        {"obj": "offices.Office:999999", "method": "tracks"},
        {"obj": "offices.Office:abc", "method": "references"},
        {"obj": "offices.Office:999999", "method": "nosuch"},
        {"event_model": "nosuch"},
        {"event_model": "nosuch.Model"},
        {"event_model": "offices.Office"},
        {"model": "offices.Office", "event_model": "nosuch"},
        {"pgh_created_at__year": "0"},
        {"pgh_created_at__year": "99999"},
        {"pgh_id": "abc"},
        {"method": "nosuch"},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()),
)
def test_the_events_admin_refuses_what_it_cannot_look_up(superuser_client, office, params):
    url = reverse(EVENTS)
    response = superuser_client.get(url, params)
    assert response.status_code == INCORRECT_LOOKUP, response.status_code
    assert response["Location"] == f"{url}?e=1"


@pytest.mark.parametrize(
    "params",
    [
        {"model": "nosuch.Model"},
        {"model": "nosuch"},
        {"model": ""},
        {"obj": "abc"},
        {"obj": "nosuch.Model:1"},
        {"obj": ""},
        {"label": "nosuch"},
        {"pgh_obj_id": "abc"},
        {"_facets": "1"},
        {"_facets": "abc", "model": "offices.Office"},
        {"pgh_created_at__gte": "2026-01-01T00:00:00-23:59"},
        {"o": "99"},
        {"p": "abc"},
    ],
    ids=lambda params: "&".join(f"{k}={v}" for k, v in params.items()),
)
def test_the_events_admin_ignores_what_it_does_not_know(superuser_client, office, params):
    response = superuser_client.get(reverse(EVENTS), params)
    assert response.status_code == OK, response.status_code


@pytest.mark.parametrize("method", [None, "tracks", "references"])
def test_the_events_admin_still_shows_the_history_of_an_object(superuser_client, office, method):
    params = {"obj": f"offices.Office:{office.pk}", "_facets": "1", **({"method": method} if method else {})}
    response = superuser_client.get(reverse(EVENTS), params)
    assert response.status_code == OK
    if method != "references":
        assert response.context["cl"].result_count >= 1


def test_the_events_admin_filters_by_an_event_model(superuser_client, office):
    office_events = next(model for model in core.event_models() if model.pgh_tracked_model is Office)
    response = superuser_client.get(reverse(EVENTS), {"event_model": office_events._meta.label_lower})
    assert response.status_code == OK
    assert response.context["cl"].result_count >= 1


def test_the_events_admin_is_refused_to_staff_without_its_permission(client, national_admin):
    client.force_login(national_admin)
    client.raise_request_exception = False
    assert client.get(reverse(EVENTS), {"obj": "offices.Office:abc"}).status_code == HTTPStatus.FORBIDDEN
