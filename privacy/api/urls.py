"""API routes of the personal-data access log, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from privacy.api.views import PersonalDataAccessListView

urlpatterns = [
    path("personal-data-accesses/", PersonalDataAccessListView.as_view(), name="personal-data-access-list"),
]
