import statistics

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class _SQLiteMedian:
    """MEDIAN for the embedded SQLite database (PostgreSQL has PERCENTILE_CONT)."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _register_median(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("casework_median", 1, _SQLiteMedian)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Anonymised reports")

    def ready(self):
        connection_created.connect(_register_median, dispatch_uid="reports.sqlite_median")
