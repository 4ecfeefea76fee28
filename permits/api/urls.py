"""API routes of stay permit applications and stay permits, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from casework.api.views import action_views
from permits.api.views import (
    PermitApplicationActionView,
    PermitApplicationDetailView,
    PermitApplicationHistoryView,
    PermitApplicationListCreateView,
    StayExceptionListView,
    StayPermitDetailView,
    StayPermitListView,
)

urlpatterns = [
    path(
        "stay-permit-applications/",
        PermitApplicationListCreateView.as_view(),
        name="stay-permit-application-list",
    ),
    path(
        "stay-permit-applications/<str:reference>/",
        PermitApplicationDetailView.as_view(),
        name="stay-permit-application-detail",
    ),
    path(
        "stay-permit-applications/<str:reference>/history/",
        PermitApplicationHistoryView.as_view(),
        name="stay-permit-application-history",
    ),
    # One URL per workflow action; the system-only "expire" has none.
    *(
        path(f"stay-permit-applications/<str:reference>/{slug}/", view, name=f"stay-permit-application-{slug}")
        for slug, view in action_views(PermitApplicationActionView)
    ),
    path("stay-permits/", StayPermitListView.as_view(), name="stay-permit-list"),
    # Before the detail URL: "protected" would otherwise be taken for a permit number.
    path("stay-permits/protected/", StayExceptionListView.as_view(), name="stay-exception-list"),
    path("stay-permits/<str:number>/", StayPermitDetailView.as_view(), name="stay-permit-detail"),
]
