"""URLs: the admin, the API under /api/v1/ and its schema. The one module that names every app."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from plumbing.api.problems import problem_response

admin.site.site_header = _("Imigrasi — case management")
admin.site.site_title = _("Imigrasi")
admin.site.index_title = _("Office administration")

# Each app's routes, in the order the schema lists them.
api_v1 = [
    path("", include("plumbing.api.urls")),
    path("", include("offices.api.urls")),
    path("", include("applications.api.urls")),
    path("", include("permits.api.urls")),
    path("", include("recovery.api.backlog_urls")),
    path("", include("recovery.api.releases_urls")),
    path("", include("recovery.api.impact_urls")),
    path("", include("reports.api.urls")),
    path("", include("privacy.api.urls")),
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
