"""Reads shared by every kind of case."""

from casework.models import Case
from offices.models import Outage
from offices.outages import outages_blocking


def case_held_by(case: Case, *, active_outages: list[Outage] | None = None) -> list[Outage]:
    """Active outages that block the case's next step, if that step needs a capability.

    A list passes the active outages it read once, so that each row costs no query.
    """
    capability = case.awaiting
    if not capability:
        return []
    if active_outages is None:
        return outages_blocking(office=case.office, capability=capability)
    return [
        outage
        for outage in active_outages
        if capability in outage.capabilities and not outage.is_degraded and outage.covers(case.office)
    ]
