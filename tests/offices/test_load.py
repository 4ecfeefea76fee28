"""Loading the office list: the real 145 offices, idempotent, and updating what changed."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from offices.models import Office, Region
from offices.services import DATA_DIR, offices_load

pytestmark = pytest.mark.django_db


def test_the_real_list_has_145_offices_under_33_regions(offices):
    assert len(offices) == 145
    assert Region.objects.count() == 33
    assert Office.objects.values("region").distinct().count() == 33
    assert all(office.source for office in offices.values())


def test_the_fixed_codes_name_the_right_offices(offices):
    assert offices["SMG"].city == "Semarang"
    assert offices["SMG"].region.name == "Jawa Tengah"
    assert offices["SMG"].region.code == "33"
    assert "Surabaya" in offices["SBY"].name
    assert offices["SBY"].region.name == "Jawa Timur"
    assert "Jakarta Selatan" in offices["JKS"].name


def test_capacities_default_when_the_data_is_silent(offices):
    assert offices["SMG"].passport_capacity == 400
    assert offices["SMG"].permit_capacity == 20


def test_a_second_load_changes_nothing(offices):
    result = offices_load()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 145)


def test_the_command_reports_a_second_run_as_unchanged(offices):
    out = StringIO()
    call_command("load_offices", stdout=out)
    assert "0 created, 0 updated, 145 unchanged" in out.getvalue()


def test_a_changed_row_is_updated_in_place(offices, tmp_path: Path):
    with (DATA_DIR / "kantor_imigrasi.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames, rows = reader.fieldnames, list(reader)
    for row in rows:
        if row["code"] == "SMG":
            row["passport_capacity"] = "350"
            row["permit_capacity"] = "35"
    changed = tmp_path / "kantor_imigrasi.csv"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)

    smg_pk = offices["SMG"].pk
    result = offices_load(offices_csv=changed)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 144)
    smg = Office.objects.get(code="SMG")
    assert smg.pk == smg_pk
    assert (smg.passport_capacity, smg.permit_capacity) == (350, 35)
    assert Office.objects.count() == 145
