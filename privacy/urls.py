from django.urls import path

from . import erasure_views, export_views, views

urlpatterns = [
    path("clients/<id:pk>/erase/", erasure_views.ask, name="client_erasure"),
    path("centre/erasures/", erasure_views.listing, name="erasures"),
    path("centre/erasures/<id:pk>/confirm/", erasure_views.confirm, name="erasure_confirm"),
    path("centre/erasures/<id:pk>/cancel/", erasure_views.cancel, name="erasure_cancel"),
    path("clients/<id:pk>/export/", export_views.page, name="client_export"),
    path("clients/<id:pk>/export.json", export_views.as_json, name="client_export_json"),
    path("centre/retention/", views.policy, name="retention_policy"),
    path("centre/retention/dry-run/", views.dry_run, name="retention_dry_run"),
    path("centre/retention/run/", views.run_now, name="retention_run_now"),
    path("centre/retention/runs/<id:pk>/", views.run_report, name="retention_run"),
]
