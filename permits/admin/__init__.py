"""Admin for stay permits (docs/design.md §5): applications, and the records they produce."""

from permits.admin.applications import StayPermitApplicationAdmin
from permits.admin.records import ForeignerAdmin, SponsorAdmin, StayExceptionAdmin, StayPermitAdmin

__all__ = ["ForeignerAdmin", "SponsorAdmin", "StayExceptionAdmin", "StayPermitAdmin", "StayPermitApplicationAdmin"]
