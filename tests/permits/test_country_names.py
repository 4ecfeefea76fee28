"""Nationalities read in Indonesian: the country names django-countries lacks, from our own catalog."""

import re

from django.conf import settings
from django.utils import translation
from django_countries import countries

from permits.admin.records import nationality_codes_named
from permits.models import nationality_choices
from reports.definitions.permits import country_name

COUNTRIES_LOCALE = settings.BASE_DIR / "locale" / "countries"


def test_every_country_django_countries_lists_has_its_indonesian_name():
    catalog = (COUNTRIES_LOCALE / "id" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    translated = set(re.findall(r'^msgid "(.+)"$', catalog, flags=re.MULTILINE))
    with translation.override(None):
        english = {code: str(name) for code, name in countries}

    assert {code: name for code, name in english.items() if name not in translated} == {}


def test_nationality_choices_follow_the_language():
    with translation.override("id"):
        indonesian = dict(nationality_choices())
    with translation.override("en"):
        english = dict(nationality_choices())

    assert (indonesian["GBR"], indonesian["USA"], indonesian["NLD"], indonesian["PSE"]) == (
        "Inggris Raya",
        "Amerika Serikat",
        "Belanda",
        "Palestina",
    )
    assert (english["GBR"], english["NLD"]) == ("United Kingdom", "Netherlands")


def test_the_permits_report_and_the_staff_search_read_indonesian_names():
    with translation.override("id"):
        assert country_name("DEU") == "Jerman"
        assert nationality_codes_named("belanda") == ["NLD", "BES"]  # Belanda, Belanda Karibia
        assert "KOR" in nationality_codes_named("korea")
