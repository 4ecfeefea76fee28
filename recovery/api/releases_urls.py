"""API routes of this part of recovery, included under /api/v1/ by imigrasi.urls."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
