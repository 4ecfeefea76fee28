"""URLs: the admin, the API under /api/v1/ and its schema. The one module that names every app."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from applications.api.views import (
    ApplicationActionView,
    ApplicationDetailView,
    ApplicationHistoryView,
    ApplicationListCreateView,
)
from casework.api.views import action_views
from offices.api.outages import OutageListCreateView, OutageResolveView, ServiceStatusView
from offices.api.views import MeView, OfficeDetailView, OfficeListView
from permits.api.views import (
    PermitApplicationActionView,
    PermitApplicationDetailView,
    PermitApplicationHistoryView,
    PermitApplicationListCreateView,
    StayExceptionListView,
    StayPermitDetailView,
    StayPermitListView,
)
from plumbing.api.auth import TokenLoginView, TokenLogoutAllView, TokenLogoutView
from plumbing.api.health import HealthView
from plumbing.api.problems import problem_response
from privacy.api.views import PersonalDataAccessListView

admin.site.site_header = _("Imigrasi — case management")
admin.site.site_title = _("Imigrasi")
admin.site.index_title = _("Office administration")

api_v1 = [
    path("auth/token/", TokenLoginView.as_view(), name="token-login"),
    path("auth/logout/", TokenLogoutView.as_view(), name="token-logout"),
    path("auth/logout-all/", TokenLogoutAllView.as_view(), name="token-logout-all"),
    path("health/", HealthView.as_view(), name="health"),
    path("me/", MeView.as_view(), name="me"),
    path("offices/", OfficeListView.as_view(), name="office-list"),
    path("offices/<str:code>/", OfficeDetailView.as_view(), name="office-detail"),
    path("status/", ServiceStatusView.as_view(), name="status"),
    path("outages/", OutageListCreateView.as_view(), name="outage-list"),
    path("outages/<int:pk>/resolve/", OutageResolveView.as_view(), name="outage-resolve"),
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
    *(
        path(f"stay-permit-applications/<str:reference>/{slug}/", view, name=f"stay-permit-application-{slug}")
        for slug, view in action_views(PermitApplicationActionView)
    ),
    path("stay-permits/", StayPermitListView.as_view(), name="stay-permit-list"),
    # Before the detail URL: "protected" would otherwise be taken for a permit number.
    path("stay-permits/protected/", StayExceptionListView.as_view(), name="stay-exception-list"),
    path("stay-permits/<str:number>/", StayPermitDetailView.as_view(), name="stay-permit-detail"),
    path("", include("recovery.api.backlog_urls")),
    path("", include("recovery.api.releases_urls")),
    path("", include("recovery.api.impact_urls")),
    path("", include("reports.api.urls")),
    path("personal-data-accesses/", PersonalDataAccessListView.as_view(), name="personal-data-access-list"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page and its start-up script apart, so the Content-Security-Policy needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
]


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, status_code=404, code="not-found", detail=_("Not found."))
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request, status_code=500, code="server-error", detail=_("An unexpected error occurred.")
        )
    return defaults.server_error(request)
