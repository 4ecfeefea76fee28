"""Each workflow step's inputs are declared once, and the API and the admin ask for the same thing."""

from types import SimpleNamespace

import pytest

from applications.api.serializers import ACTION_INPUT_SERIALIZERS as PASSPORT_INPUT_SERIALIZERS
from applications.workflow import PASSPORT_WORKFLOW
from casework.admin_forms import ActionForm
from casework.api.serializers import ACTION_INPUT_SERIALIZERS as CASE_INPUT_SERIALIZERS
from permits.workflow import PERMIT_WORKFLOW

# Each kind's workflow with the input serializers its API views use.
KINDS = {
    "passport": (PASSPORT_WORKFLOW, PASSPORT_INPUT_SERIALIZERS),
    "permit": (PERMIT_WORKFLOW, CASE_INPUT_SERIALIZERS),
}

STEPS = [
    pytest.param(workflow, serializers, step, id=f"{kind}-{step.name}")
    for kind, (workflow, serializers) in KINDS.items()
    for step in workflow
    if step.roles and step.inputs
]


def _constraints(field) -> dict:
    return {
        "required": field.required,
        "max_length": getattr(field, "max_length", None),
        "min_value": getattr(field, "min_value", None),
        "type": type(field).__name__.removesuffix("Field"),
    }


@pytest.mark.parametrize(("workflow", "serializers", "step"), STEPS)
def test_the_api_and_the_admin_take_the_same_inputs_with_the_same_bounds(workflow, serializers, step):
    api_fields = {name: field for name, field in serializers[step.name]().fields.items() if name != "note"}
    form = ActionForm(case=SimpleNamespace(fee_idr=350_000), step=step)
    admin_fields = {name: form.fields[name] for name in form.fields if name not in {"note", "expected_version"}}

    assert list(api_fields) == list(admin_fields) == list(step.input_names)
    for name in step.input_names:
        assert _constraints(api_fields[name]) == _constraints(admin_fields[name]), name


def test_a_passport_number_is_bounded_alike_and_its_format_left_to_the_service():
    """The admin allowed 9 characters and the API 32: both now take 32 and the service checks the format."""
    printing = PASSPORT_WORKFLOW["print"]
    form = ActionForm(case=SimpleNamespace(fee_idr=0), step=printing)

    assert form.fields["passport_number"].max_length == 32
    assert PASSPORT_INPUT_SERIALIZERS["print"]().fields["passport_number"].max_length == 32


def test_the_amount_proposed_in_the_admin_is_the_cases_fee():
    payment = PERMIT_WORKFLOW["record_payment"]

    form = ActionForm(case=SimpleNamespace(fee_idr=1_500_000), step=payment)

    assert form.fields["amount_idr"].initial == 1_500_000
