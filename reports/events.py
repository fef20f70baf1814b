"""Counts of events (sessions, goals, referrals): how many distinct cases stand behind each
figure, and the status a goal or referral had at the end of the quarter it was set or sent in,
from its history."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Case as DbCase
from django.db.models import CharField, Count, DateTimeField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter
from django.utils import timezone

from .disclosure import TOTAL
from .periods import cutoff
from .publication import NETWORK, YEAR


def people_behind(queryset, centres, centre: str, date_field: str, row=None, column=None) -> dict:
    """For counts of events: how many distinct cases stand behind each figure, for every
    figure the publication has (per centre and for the network; by month as totals, by
    quarter and for the year with and without rows and columns). Distinct counts do not add
    up, so each level is its own GROUP BY — made once a month, with the release."""
    annotated = queryset.annotate(
        _centre=F(centre),
        _month=ExtractMonth(date_field),
        _quarter=ExtractQuarter(date_field),
        **({"_row": row[1]} if row else {}),
        **({"_column": column[1]} if column else {}),
    ).order_by()
    found = {}
    levels = [True, False] if len(centres) > 1 else [True]
    for by_centre in levels:
        for period in ("_month", "_quarter", None):
            broken_down = period != "_month"
            for use_row in (True, False) if row and broken_down else (False,):
                for use_column in (True, False) if column and broken_down else (False,):
                    group = [
                        name
                        for name, used in (
                            ("_centre", by_centre),
                            (period, period is not None),
                            ("_row", use_row),
                            ("_column", use_column),
                        )
                        if used
                    ]
                    distinct = Count("case", distinct=True)
                    records = (
                        annotated.values(*group).annotate(_n=distinct)
                        if group
                        else [annotated.aggregate(_n=distinct)]
                    )
                    for r in records:
                        key = (
                            r["_centre"] if by_centre else NETWORK,
                            r["_month"]
                            if period == "_month"
                            else f"Q{r['_quarter']}"
                            if period
                            else YEAR,
                            (row[0], r["_row"]) if use_row else TOTAL,
                            (column[0], r["_column"]) if use_column else TOTAL,
                        )
                        found[key] = r["_n"]
    return found


def quarter_end(date_field: str, year: int, today: date) -> DbCase:
    """The end of the quarter a row's date falls in (or the cutoff, for the running quarter)."""
    boundaries = [timezone.make_aware(datetime(year, month, 1)) for month in (4, 7, 10)]
    boundaries.append(timezone.make_aware(datetime(year + 1, 1, 1)))
    ends = [min(boundary, cutoff(today)) for boundary in boundaries]
    return DbCase(
        *[
            When(**{f"{date_field}__lt": boundary}, then=Value(end))
            for boundary, end in zip(boundaries, ends, strict=True)
        ],
        output_field=DateTimeField(),
    )


def status_at(model, moment) -> Coalesce:
    """A row's status as it stood at ``moment``, from its history. Goals and referrals count by
    their status at the end of the quarter they were set or sent in: a quarter's figures do not
    change once it is over, and a change today never shows from one day to the next. Rows
    without history from before fall back to their status."""
    history = model.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=moment)
    then = history.order_by("-history_date", "-history_id").values("status")[:1]
    return Coalesce(Subquery(then, output_field=CharField()), F("status"))
