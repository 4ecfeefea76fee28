"""API routes of the tokens and the health check, included under /api/v1/ by imigrasi.urls."""

from django.urls import path

from plumbing.api.auth import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from plumbing.api.health import HealthView

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="token-login"),
    path("auth/logout/", TokenLogoutView.as_view(), name="token-logout"),
    path("auth/logout-all/", TokenLogoutAllView.as_view(), name="token-logout-all"),
    path("health/", HealthView.as_view(), name="health"),
]
