"""The transition service: the one path by which any case changes status.

In one transaction: lock the case row, check the actor's role at the case's office, check the
version the client saw, check the transition, take the capability guard, apply the step, bump the
version and record the step (``CaseStep``: who, what, why, where, from which request or job).
Side effects (notifications) are queued in the same transaction and sent only after it commits.
"""

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed
from kombu.exceptions import OperationalError

from casework.errors import ActionForbidden, InvalidTransition, PreconditionFailed
from casework.models import Attribution, Case, CaseStep, Notification, NotificationStatus
from casework.tasks import notification_send
from casework.workflow import Workflow
from offices.outages import capability_guard
from offices.selectors import user_scope
from plumbing.origin import origin_current

CaseT = TypeVar("CaseT", bound=Case)
RecordT = TypeVar("RecordT", bound=models.Model)
logger = logging.getLogger(__name__)

# Sent inside the transition's transaction when a case leaves a step that needed ``capability``
# (arguments: case, capability): whoever scheduled that step learns it has been worked.
case_step_left = Signal()
# Sent inside the transaction after a case is created or changes status (argument: case, with its
# office loaded): whoever keeps numbers about cases learns that the case's office has changed.
case_changed = Signal()


def case_step_record(
    *, case: Case, action: str, actor: AbstractBaseUser | None, from_status: str = "", note: str = ""
) -> CaseStep:
    """Record ``action`` just applied to ``case``, in the caller's transaction, with the current origin.

    ``actor`` is None for the system's own steps (an expiry); the origin then says which task or
    command took it, and who started that, if a person did.
    """
    origin = origin_current()
    return CaseStep.objects.create(
        case_model=case._meta.label_lower,
        case_id=case.pk,
        reference=case.reference,
        office_id=case.office_id,
        action=action,
        from_status=from_status,
        to_status=case.status,
        version=case.version,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        note=note or "",
        origin=origin.label,
        origin_id=origin.id,
        started_by_id=origin.started_by_id,
    )


def case_steps_annotate(
    *, model: type[Case], case_ids: list[int], action: str, notes: list[str], started_by_id: int | None
) -> int:
    """Record ``action`` on many cases at once, with one note each, as steps that change no row.

    For what a job decides about cases without changing them (the release's date for each held
    case): one statement whatever the number of cases. The status stays as it was, which is how
    the timeline tells such a step from a change of the case's row.
    """
    origin = origin_current()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {CaseStep._meta.db_table} (case_model, case_id, reference, office_id, action, from_status,
                to_status, version, at, actor_id, actor_name, note, origin, origin_id, started_by_id, attribution)
            SELECT %s, c.id, c.reference, c.office_id, %s, c.status, c.status, c.version, now(), NULL, '', n.note,
                   %s, %s, %s, %s
            FROM {model._meta.db_table} AS c
            JOIN unnest(%s::bigint[], %s::text[]) AS n (id, note) ON n.id = c.id
            ORDER BY c.id
            """,
            [
                model._meta.label_lower,
                action,
                origin.label,
                origin.id,
                started_by_id,
                Attribution.RECORDED,
                case_ids,
                notes,
            ],
        )
        return cursor.rowcount


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
    actor: AbstractBaseUser | None,
    note: str = "",
    expected_version: int | None = None,
    inputs: dict[str, Any] | None = None,
    notification: Callable[[CaseT, str], list[Notification]] | None = None,
) -> CaseT:
    """Take ``action`` on ``case`` for ``actor``; returns the case as written.

    ``actor`` is None only for the system's own actions (those the table gives no role).
    ``inputs`` are passed to the model's transition method (which may refuse them with a
    ``ValidationError``); ``notification(case, event)`` builds the applicant's message for actions
    whose table entry names an event (one per recipient).
    """
    step = workflow[action]
    # A step the table gives no role is the system's own (an expiry): no person may take it.
    if (actor is None) != (not step.roles):
        raise ActionForbidden()
    with transaction.atomic():
        locked = type(case).objects.select_for_update(of=("self",)).select_related("office").get(pk=case.pk)
        if step.roles and not user_scope(actor, roles=step.roles).contains(locked.office):
            raise ActionForbidden()
        if expected_version is not None and locked.version != expected_version:
            raise PreconditionFailed(extra={"version": locked.version})
        method = getattr(locked, action)
        if not can_proceed(method):
            raise InvalidTransition(
                _("“%(action)s” is not possible while the case is %(status)s.")
                % {"action": step.slug, "status": locked.get_status_display()},
                # RFC 9457 keeps ``status`` for the HTTP status; the case's is its own member.
                extra={"case_status": locked.status},
            )
        if step.check is not None:
            refusal = step.check(locked, actor)
            if refusal is not None:
                raise refusal
        unexpected = sorted(set(inputs or {}) - set(step.input_names))
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
        from_status = locked.status
        method(**(inputs or {}))
        locked.version += 1
        case_readiness_set(case=locked, workflow=workflow)
        locked.save()
        case_step_record(case=locked, action=action, actor=actor, from_status=from_status, note=note)
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
