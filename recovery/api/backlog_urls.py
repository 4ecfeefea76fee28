"""API routes of the backlog, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from recovery.api.backlog import BacklogView, HeldCasesView

urlpatterns = [
    path("backlog/", BacklogView.as_view(), name="backlog"),
    path("backlog/cases/", HeldCasesView.as_view(), name="backlog-cases"),
]
