"""Messages to the people a case concerns, built in Indonesian from a table of events."""

from collections.abc import Mapping
from typing import Any

from django.utils import translation
from django.utils.functional import Promise

from casework.models import Notification
from offices.models import Office

# event → (subject, body), both with %(name)s placeholders.
Messages = Mapping[str, tuple[Promise, Promise]]


def notifications_build(
    *,
    reference: str,
    office: Office,
    key: str,
    event: str,
    messages: Messages,
    values: dict[str, Any],
    recipients: dict[str, str],
) -> list[Notification]:
    """One notification of ``event`` about ``reference`` per recipient, not yet saved.

    ``recipients`` maps a part ("holder", "sponsor") to an address; the dedupe key is ``key``
    followed by the part, so storing the same message twice stores it once. A lone recipient
    keyed ``""`` gets ``key`` itself.
    """
    subject, body = messages[event]
    values = {"reference": reference, "office": office.name, **values}
    with translation.override("id"):
        return [
            Notification(
                dedupe_key=f"{key}:{part}" if part else key,
                case_reference=reference,
                office=office,
                event=event,
                recipient=address,
                subject=str(subject) % values,
                body=str(body) % values,
            )
            for part, address in recipients.items()
        ]


def case_version_key(case: Any) -> str:
    """The dedupe key of a message caused by the version of ``case`` just written."""
    return f"{case.reference}:v{case.version}"
