"""The identity validators moved to ``casework.validators``; migration 0001 names this path."""

from casework.validators import nik_validate_format

__all__ = ["nik_validate_format"]
