"""The workflow table is the one statement of the allowed transitions.

The models' django-fsm transitions take their sources and target from the table
(``Workflow.fsm``); this holds the two equal, action by action, so an edge added to one and not the
other fails here rather than in an office.
"""

import pytest

from applications.models import PassportApplication
from permits.models import StayPermitApplication


def _fsm_edges(model) -> set[tuple[str, str, str]]:
    field = model._meta.get_field("status")
    return {(transition.name, transition.source, transition.target) for transition in field.get_all_transitions(model)}


def _table_edges(workflow) -> set[tuple[str, str, str]]:
    return {(action.name, source, action.target) for action in workflow for source in action.sources}


@pytest.mark.parametrize("model", [PassportApplication, StayPermitApplication])
def test_the_models_transitions_are_the_tables(model):
    table = _table_edges(model.workflow)

    assert table
    assert _fsm_edges(model) == table
