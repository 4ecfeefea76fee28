"""API routes of this part of recovery, included under /api/v1/ by imigrasi.urls."""

from django.urls import URLPattern, path

from recovery.api.releases import (
    RecoveryCapacityListCreateView,
    ReleaseDetailView,
    ReleaseOfficePauseView,
    ReleaseOfficeResumeView,
    ReleaseQueueView,
)

urlpatterns: list[URLPattern] = [
    path("outages/<int:pk>/release/", ReleaseDetailView.as_view(), name="release-detail"),
    path(
        "outages/<int:pk>/release/offices/<str:office_code>/pause/",
        ReleaseOfficePauseView.as_view(),
        name="release-office-pause",
    ),
    path(
        "outages/<int:pk>/release/offices/<str:office_code>/resume/",
        ReleaseOfficeResumeView.as_view(),
        name="release-office-resume",
    ),
    path("release-queue/", ReleaseQueueView.as_view(), name="release-queue"),
    path("recovery-capacities/", RecoveryCapacityListCreateView.as_view(), name="recovery-capacity-list"),
]
