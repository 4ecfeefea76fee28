"""Human-readable case references: ``SMG-240620-0001``.

Office code, the office's local date, and a per-office per-day number. The number comes from one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the counter row: concurrent creates at one office
queue on that row and each gets the next number, never the same one and never an error.
"""

from django.db import connection

from casework.models import ReferenceCounter
from offices.models import Office


def reference_next(*, office: Office, series: str = "") -> str:
    day = office.local_today()
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (office_id, day, series, last_number) VALUES (%s, %s, %s, 1)
            ON CONFLICT (office_id, day, series) DO UPDATE SET last_number = {table}.last_number + 1
            RETURNING last_number
            """,
            [office.pk, day, series],
        )
        (number,) = cursor.fetchone()
    prefix = f"{office.code}-{series}-" if series else f"{office.code}-"
    return f"{prefix}{day:%y%m%d}-{number:04d}"
