"""API routes of the caller, the offices and their outages, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from offices.api.outages import OutageListCreateView, OutageResolveView, ServiceStatusView
from offices.api.views import MeView, OfficeDetailView, OfficeListView

urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("offices/", OfficeListView.as_view(), name="office-list"),
    path("offices/<str:code>/", OfficeDetailView.as_view(), name="office-detail"),
    path("status/", ServiceStatusView.as_view(), name="status"),
    path("outages/", OutageListCreateView.as_view(), name="outage-list"),
    path("outages/<int:pk>/resolve/", OutageResolveView.as_view(), name="outage-resolve"),
]
