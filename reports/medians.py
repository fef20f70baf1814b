"""The median time from intake to outcome, computed in the database."""

from __future__ import annotations

from datetime import date

from django.db.models import Aggregate, Count, DurationField, F
from django.db.models.functions import ExtractMonth

from .periods import Period
from .publication import YEAR
from .queries import closed_in


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="casework_median",
            template="%(function)s(%(expressions)s)",
            **extra_context,
        )


def medians(centres: list[int], period: Period, today: date) -> dict:
    """The median time from intake to outcome, in days, and the number of cases it is taken
    from: per centre and for all ``centres`` together, for the cases closed in ``period``."""
    closed = closed_in(centres, period.year, today).exclude(outcome="")
    if period.node != YEAR:
        closed = closed.annotate(_month=ExtractMonth("closed_at")).filter(_month__in=period.months)
    duration = Median(F("closed_at") - F("opened_at"), output_field=DurationField())
    result = {}
    for row in closed.order_by().values("centre_id").annotate(n=Count("pk"), median=duration):
        result[row["centre_id"]] = (row["n"], _days(row["median"]))
    together = closed.order_by().aggregate(n=Count("pk"), median=duration)
    result[None] = (together["n"], _days(together["median"]))
    return result


def _days(duration) -> float | None:
    return None if duration is None else duration.total_seconds() / 86400
