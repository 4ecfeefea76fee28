"""API routes of this part of recovery, included under /api/v1/ by imigrasi.urls."""

from django.urls import URLPattern, path

from recovery.api.impact import OutageImpactView

urlpatterns: list[URLPattern] = [
    path("outages/<int:pk>/impact/", OutageImpactView.as_view(), name="outage-impact"),
]
