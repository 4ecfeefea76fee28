"""Nothing personal in logs: a full passport and stay-permit workflow, logging captured at DEBUG."""

import logging
import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from applications.models import Applicant
from offices.demo import OFFICE_LOGINS
from permits.services import permit_application_act, permit_application_submit
from tests.applications.service_factories import applicant_body, create_body
from tests.permits.factories import foreigner_data, intake, sponsor_data
from tests.permits.test_workflow import action_inputs as permit_inputs

pytestmark = pytest.mark.django_db

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSPORT_STEPS = [
    ("frontdesk", "verify", {}),
    ("frontdesk", "record-payment", {"billing_code": "820240620000001"}),
    ("biometric", "capture-biometrics", {"photo_ref": "bio://p/1", "fingerprints_ref": "bio://f/1"}),
    ("interviewer", "interview", {}),
    ("adjudicator", "approve", {}),
    ("printer", "print", {"passport_number": "X7654321"}),
    ("handover", "hand-over", {}),
]
PERMIT_STEPS = ["verify", "record_payment", "capture_biometrics", "approve", "issue"]
# Each office role but the head, named as the demo names its logins.
ROLES = {name: role for name, role in OFFICE_LOGINS.items() if name != "head"}


def test_a_full_workflow_of_each_kind_logs_no_identifier_name_email_or_phone(smg, member, caplog, capfd):
    staff = {name: member(role, office=smg, username=f"smg.{name}") for name, role in ROLES.items()}
    caplog.set_level(logging.DEBUG)
    logging.getLogger("imigrasi").debug("workflow starts")

    client = APIClient()
    client.force_authenticate(staff["frontdesk"])
    created = client.post("/api/v1/passport-applications/", create_body(), format="json")
    assert created.status_code == 201, created.content
    reference, fee = created.json()["reference"], created.json()["fee_idr"]
    applicant = Applicant.objects.get()
    searched = client.get("/api/v1/passport-applications/", {"q": applicant.nik})
    assert searched.status_code == 200
    assert [row["reference"] for row in searched.json()["results"]] == [reference]
    for who, slug, body in PASSPORT_STEPS:
        client.force_authenticate(staff[who])
        if slug == "record-payment":
            body = {**body, "amount_idr": fee}
        response = client.post(f"/api/v1/passport-applications/{reference}/{slug}/", body, format="json")
        assert response.status_code == 200, (slug, response.content)
    assert response.json()["status"] == "issued"

    application = permit_application_submit(actor=staff["frontdesk"], **intake(office=smg))
    for action in PERMIT_STEPS:
        actor = staff[
            {"capture_biometrics": "biometric", "approve": "adjudicator", "issue": "printer"}.get(action, "frontdesk")
        ]
        application = permit_application_act(
            application=application, action=action, actor=actor, **permit_inputs(action, application)
        )
    assert application.status == "issued"

    personal = [
        applicant.nik,
        applicant.full_name,
        applicant.email,
        applicant.phone,
        applicant_body()["phone"],
        "X7654321",
        foreigner_data()["passport_number"],
        foreigner_data()["full_name"],
        foreigner_data()["email"],
        foreigner_data()["phone"],
        sponsor_data()["email"],
        sponsor_data()["phone"],
    ]
    logged = [record.getMessage() for record in caplog.records]
    assert logged[0] == "workflow starts"  # the capture works
    printed = capfd.readouterr()
    for text in [*logged, printed.out, printed.err]:
        for value in personal:
            assert value not in text, (value, text)


def test_the_documented_access_log_leaves_out_query_strings_and_referrers():
    config: dict = {}
    exec((PROJECT_DIR / "gunicorn.conf.py").read_text(), config)
    atoms = set(re.findall(r"%\((\w+)\)s", config["access_log_format"]))
    # r: the request line with its query; q: the query; f: the referrer, which repeats the query.
    assert atoms.isdisjoint({"r", "q", "f"}), atoms
    assert "U" in atoms
