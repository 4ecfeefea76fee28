"""The project's URLs and, under ``/bench/bare/``, the bare baselines (``bench.baseline``).

Named only by ``bench.settings``: the baselines answer without authentication and must never be
part of the URLs production serves.
"""

from django.urls import include, path

from imigrasi.urls import handler404, handler500
from imigrasi.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("bench/bare/", include("bench.baseline")),
]

__all__ = ["handler404", "handler500", "urlpatterns"]
