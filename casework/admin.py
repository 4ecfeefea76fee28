"""Admin pieces every kind of case shares: a paginator that never counts a whole table, and the
notification outbox (read-only, scoped by office)."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from casework.models import Notification
from offices.admin_scope import ScopedAdminMixin


class CappedCountPaginator(Paginator):
    """Counts at most ``count_cap`` rows, so a list page costs the same at any table size.

    The admin numbers its pages from ``COUNT(*)`` of the filtered list; at millions of cases that
    count reads every matching row on every page view. Counting ``LIMIT count_cap`` rows instead
    (``SELECT COUNT(*) FROM (… LIMIT n)``) bounds the work whatever the table holds, and stays
    exact for the lists people actually page through: one office's queue, a status, a search. An
    estimate from the planner (``pg_class.reltuples`` or ``EXPLAIN``) was not chosen: it is only
    good for an unfiltered table, and admin lists are always filtered by the user's scope.

    Past the cap, the count reads as ``count_cap`` and later pages are not offered; filters and
    search narrow the list instead. Use with ``show_full_result_count = False``, which drops the
    admin's second, unfiltered count.
    """

    count_cap = 10_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            # Unordered, so the database stops at the cap instead of sorting every match first.
            return self.object_list.order_by()[: self.count_cap].count()
        return min(len(self.object_list), self.count_cap)


@admin.register(Notification)
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The outbox, for answering "was the applicant told?"; written only by the case services."""

    list_display = ["case_reference", "office", "event", "channel", "recipient", "status", "attempts", "created_at"]
    list_filter = ["status", "event", "channel"]
    search_fields = ["=case_reference", "=recipient"]
    list_select_related = ["office"]
    show_full_result_count = False
    paginator = CappedCountPaginator

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
