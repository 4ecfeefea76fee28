"""How timestamps travel to PostgreSQL: always as UTC.

PostgreSQL refuses a time-zone offset of 16 hours or more, which Python accepts up to a day less a
minute. A filter given ``2026-01-01T00:00:00+16:00`` (the API's ``created_after``, the admin's
``created_at__gte``) was therefore a valid datetime until the database failed on it with a 500.
Sending every aware datetime as UTC keeps the moment and leaves the offset out of the text.
"""

import contextlib
from datetime import UTC, datetime

import psycopg
from psycopg.types.datetime import DatetimeDumper


class UtcDatetimeDumper(DatetimeDumper):
    def dump(self, obj: datetime) -> bytes | bytearray | memoryview | None:
        # The first or last moments Python can hold (an admin's ``__year=1`` bound) have no UTC
        # twin; their own offset is an ordinary zone's, which PostgreSQL reads as it is.
        with contextlib.suppress(OverflowError):
            obj = obj.astimezone(UTC)
        return super().dump(obj)


def utc_dumper_register() -> None:
    """Register on psycopg's global adapters, which every connection Django opens extends."""
    psycopg.adapters.register_dumper(datetime, UtcDatetimeDumper)
