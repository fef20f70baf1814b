from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.dashboard, name="reports_dashboard"),
    path("reports/prepare/", views.prepare, name="reports_prepare"),
    path("reports/<slug:table>.csv", views.export, name="reports_export"),
]
