"""The root URLs: the kernel's pages, each app's, /healthz and Django's admin."""

from django.contrib import admin
from django.urls import include, path, register_converter

from casework.converters import IdConverter

from .health import healthz

# Before any app's URLs: they name ids as <id:pk>.
register_converter(IdConverter, "id")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("casework.urls")),
    path("", include("clients.urls")),
    path("", include("sessions.urls")),
    path("", include("referrals.urls")),
    path("", include("reminders.urls")),
    path("", include("reports.urls")),
    path("", include("privacy.urls")),
    path("admin/", admin.site.urls),
]
