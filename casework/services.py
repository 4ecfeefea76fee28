"""The transition service: the one path by which any case changes status.

In one transaction: lock the case row, check the actor's role at the case's office, check the
version the client saw, check the transition, take the capability guard, apply the step, bump the
version and record history with who, what and why. Side effects (notifications) are queued in
the same transaction and sent only after it commits.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import pghistory
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from kombu.exceptions import OperationalError

from casework.errors import ActionForbidden, InvalidTransition, PreconditionFailed
from casework.models import Case, Notification, NotificationStatus
from casework.workflow import Workflow
from offices.outages import capability_guard
from offices.selectors import user_scope

CaseT = TypeVar("CaseT", bound=Case)
RecordT = TypeVar("RecordT", bound=models.Model)
logger = logging.getLogger(__name__)

# Sent inside the transition's transaction when a case leaves a step that needed ``capability``
# (arguments: case, capability): whoever scheduled that step learns it has been worked.
case_step_left = Signal()
# Sent inside the transaction after a case is created or changes status (argument: case, with its
# office loaded): whoever keeps numbers about cases learns that the case's office has changed.
case_changed = Signal()


def history_context(*, actor: AbstractBaseUser | None, action: str, note: str = "", office: str = "") -> Any:
    """The pghistory context every case change runs in: it is what the timeline shows."""
    return pghistory.context(
        actor=actor.get_username() if actor else "system",
        user=actor.pk if actor else None,
        action=action,
        note=note,
        office=office,
    )


def errors_prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """A nested record's field errors named as the client sent them: ``applicant.nik``."""
    return ValidationError({f"{prefix}.{name}": errors for name, errors in error.error_dict.items()})


def record_upsert(*, model: type[RecordT], lookup: dict[str, Any], fill: Callable[[RecordT], RecordT]) -> RecordT:
    """The row matching ``lookup``, created or updated by ``fill`` (which validates it).

    People are reused by their identity (a NIK, a passport): two desks taking in the same new
    person at once both try to insert; the unique index makes the second wait for the first and
    fail, and that one then updates the row just created.
    """
    existing = model.objects.select_for_update().filter(**lookup).first()
    record = fill(existing or model())
    if existing is not None:
        record.save()
        return record
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        record = fill(model.objects.select_for_update().get(**lookup))
        record.save()
    return record


def case_transition(
    *,
    case: CaseT,
    workflow: Workflow,
    action: str,
    actor: AbstractBaseUser,
    note: str = "",
    expected_version: int | None = None,
    inputs: dict[str, Any] | None = None,
    notification: Callable[[CaseT, str], list[Notification]] | None = None,
) -> CaseT:
    """Take ``action`` on ``case`` for ``actor``; returns the case as written.

    ``inputs`` are passed to the model's transition method (which may refuse them with a
    ``ValidationError``); ``notification(case, event)`` builds the applicant's message for actions
    whose table entry names an event (one per recipient).
    """
    step = workflow[action]
    with transaction.atomic():
        locked = type(case).objects.select_for_update(of=("self",)).select_related("office").get(pk=case.pk)
        if not user_scope(actor, roles=step.roles).contains(locked.office):
            raise ActionForbidden()
        if expected_version is not None and locked.version != expected_version:
            raise PreconditionFailed(extra={"version": locked.version})
        method = getattr(locked, action)
        if not can_proceed(method):
            raise InvalidTransition(
                _("“%(action)s” is not possible while the case is %(status)s.")
                % {"action": step.slug, "status": locked.get_status_display()},
                extra={"status": locked.status},
            )
        if step.check is not None:
            refusal = step.check(locked, actor)
            if refusal is not None:
                raise refusal
        unexpected = sorted(set(inputs or {}) - set(step.inputs))
        if unexpected:
            # Refused as a field error (400), not a TypeError from the model method (500).
            raise ValidationError(
                {
                    name: ValidationError(
                        _("“%(action)s” takes no input “%(name)s”."),
                        code="unexpected",
                        params={"action": step.slug, "name": name},
                    )
                    for name in unexpected
                }
            )
        if step.capability:
            capability_guard(office=locked.office, capability=step.capability)
        left = locked.awaiting
        with history_context(actor=actor, action=action, note=note, office=locked.office.code):
            method(**(inputs or {}))
            locked.version += 1
            case_readiness_set(case=locked, workflow=workflow)
            locked.save()
        case_changed.send(sender=type(locked), case=locked)
        if left:
            case_step_left.send(sender=type(locked), case=locked, capability=left)
        if step.notify and notification is not None:
            for message in notification(locked, step.notify):
                notification_queue(notification=message)
    return locked


def case_readiness_set(*, case: Case, workflow: Workflow) -> None:
    """Record what ``case`` now waits for and since when (unsaved); called with every status change."""
    case.awaiting = workflow.awaiting(case)
    case.ready_at = timezone.now() if case.awaiting else None


def notification_queue(*, notification: Notification) -> Notification:
    """Store a notification in the current transaction; send it once the transaction commits."""
    if not notification.recipient:
        notification.status = NotificationStatus.UNDELIVERABLE
    notification.save()
    if notification.status == NotificationStatus.PENDING:
        transaction.on_commit(lambda: notification_enqueue(notification.pk))
    return notification


def notification_enqueue(notification_id: int) -> None:
    """Hand a stored notification to the broker; if the broker is down, the sweep sends it later."""
    from casework.tasks import notification_send

    task_enqueue(notification_send, notification_id)


def task_enqueue(task: Any, *args: Any) -> bool:
    """Hand ``task`` to the broker; False when the broker is down and a sweep must do the work.

    Runs after a change has committed: failing here must not turn a saved change into an error.
    """
    try:
        task.delay(*args)
    except OperationalError:
        logger.warning("Broker unavailable; %s%r left for its sweep", task.name, args)
        return False
    return True
