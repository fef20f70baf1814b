"""The periods a coordinator may choose: whole calendar months, quarters and years that have
ended (a quarter or the current year: the months of it that have ended).

Only ended months are counted, and what a coordinator reads is the month's release
(``releases``), frozen until the next month: a figure that changed from one day to the next
would point at the person who came in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .publication import MONTHS, QUARTER_MONTHS, QUARTERS, YEAR

YEARS_BACK = 10
PARTS = (
    [("year", _("Whole year"))]
    + [(quarter.lower(), quarter) for quarter in QUARTERS]
    + [(f"m{month:02d}", None) for month in MONTHS]
)


def last_ended_month(today: date) -> tuple[int, int]:
    return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)


def cutoff(today: date) -> datetime:
    """The first moment not counted: the start of the current month, local time."""
    return timezone.make_aware(datetime(today.year, today.month, 1))


@dataclass(frozen=True)
class Period:
    year: int
    part: str = "year"

    @property
    def node(self):
        if self.part == "year":
            return YEAR
        if self.part.startswith("q"):
            return self.part.upper()
        return int(self.part[1:])

    @property
    def months(self) -> tuple[int, ...]:
        node = self.node
        if node == YEAR:
            return MONTHS
        if node in QUARTERS:
            return QUARTER_MONTHS[node]
        return (node,)

    @property
    def is_month(self) -> bool:
        return self.part.startswith("m")

    def ended_months(self, today: date) -> tuple[int, ...]:
        year, month = last_ended_month(today)
        if self.year < year:
            return self.months
        if self.year > year:
            return ()
        return tuple(m for m in self.months if m <= month)

    def label(self) -> str:
        if self.part == "year":
            return str(self.year)
        if self.is_month:
            return date_format(date(self.year, self.node, 1), "F Y")
        return f"{self.node} {self.year}"


def part_label(part: str) -> str:
    if part.startswith("m"):
        return date_format(date(2000, int(part[1:]), 1), "F")
    return str(dict(PARTS)[part])


def years(today: date) -> list[int]:
    latest, _month = last_ended_month(today)
    return list(range(latest, latest - YEARS_BACK, -1))
