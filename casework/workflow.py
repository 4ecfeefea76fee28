"""Workflows declared as tables: each action with its sources, target, roles and capability.

The table is the one place a workflow is described. django-fsm transitions on the case models take
their sources and targets from it (``Workflow.fsm``), the transition service takes roles and
capabilities from it, and the API and admin list available actions from it.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from casework.inputs import StepInput
from offices.selectors import user_scope
from plumbing.refusals import Refusal

# A rule of one action that depends on the case and the actor, beyond status and role: returns
# the refusal, or None when the action may go ahead.
ActionCheck = Callable[[Any, AbstractBaseUser | AnonymousUser], Refusal | None]


@dataclass(frozen=True)
class Action:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    capability: str | None = None
    # Event of the applicant notification sent after the action commits, if any.
    notify: str | None = None
    # Inputs the action takes besides the note: the API's fields and the admin form's are made from them.
    inputs: tuple[StepInput, ...] = field(default=())
    check: ActionCheck | None = None
    # For an action needing a capability: whether a case in one of the sources is waiting for it,
    # beyond its status (None: always). Decides what an outage holds and when a case joined the queue.
    ready: Callable[[Any], bool] | None = None

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(step_input.name for step_input in self.inputs)

    @property
    def slug(self) -> str:
        """The action's name in URLs: ``record-payment``."""
        return self.name.replace("_", "-")


class Workflow:
    def __init__(self, actions: Iterable[Action]) -> None:
        self.actions: dict[str, Action] = {action.name: action for action in actions}

    def __getitem__(self, name: str) -> Action:
        return self.actions[name]

    def __iter__(self):
        return iter(self.actions.values())

    def by_slug(self, slug: str) -> Action | None:
        return self.actions.get(slug.replace("-", "_"))

    def fsm(self, name: str) -> dict:
        """Keyword arguments of ``django_fsm.transition`` for the action ``name``."""
        action = self.actions[name]
        return {"source": list(action.sources), "target": action.target}

    def awaiting(self, case: Any) -> str:
        """The capability ``case``'s next step needs, or "": what an outage can hold it for."""
        for action in self.actions.values():
            if action.capability and case.status in action.sources and (action.ready is None or action.ready(case)):
                return action.capability
        return ""

    def available(self, *, case: Any, user: AbstractBaseUser | AnonymousUser) -> list[str]:
        """Actions ``user`` may take on ``case`` now: status, role at its office, and the action's check."""
        return [
            action.name
            for action in self.actions.values()
            if case.status in action.sources
            and user_scope(user, roles=action.roles).contains(case.office)
            and (action.check is None or action.check(case, user) is None)
        ]
