"""Workflows declared as tables: each action with its sources, target, roles and capability.

The table is the one place a workflow is described. django-fsm transitions on the case models take
their sources and targets from it (``Workflow.fsm``), the transition service takes roles and
capabilities from it, and the API and admin list available actions from it.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from offices.models import Office
from offices.selectors import user_scope


@dataclass(frozen=True)
class Action:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    capability: str | None = None
    # Event of the applicant notification sent after the action commits, if any.
    notify: str | None = None
    # Inputs the action takes besides the note, as documented for API clients.
    inputs: tuple[str, ...] = field(default=())

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

    def available(self, *, status: str, office: Office, user: AbstractBaseUser | AnonymousUser) -> list[str]:
        """Actions ``user`` may take on a case in ``status`` at ``office``."""
        return [
            action.name
            for action in self.actions.values()
            if status in action.sources and user_scope(user, roles=action.roles).contains(office)
        ]
