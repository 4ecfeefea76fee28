"""API routes of passport applications, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from applications.api.views import (
    ApplicationActionView,
    ApplicationDetailView,
    ApplicationHistoryView,
    ApplicationListCreateView,
)
from casework.api.views import action_views

urlpatterns = [
    path("passport-applications/", ApplicationListCreateView.as_view(), name="passport-application-list"),
    path(
        "passport-applications/<str:reference>/",
        ApplicationDetailView.as_view(),
        name="passport-application-detail",
    ),
    path(
        "passport-applications/<str:reference>/history/",
        ApplicationHistoryView.as_view(),
        name="passport-application-history",
    ),
    # One URL per workflow action (return-documents, verify, …); the system-only "expire" has none.
    *(
        path(f"passport-applications/<str:reference>/{slug}/", view, name=f"passport-application-{slug}")
        for slug, view in action_views(ApplicationActionView)
    ),
]
