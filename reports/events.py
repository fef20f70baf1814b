"""Counts of events (sessions, goals, referrals): how many distinct cases stand behind each
figure, and the status a goal or referral had at the end of the quarter it was set or sent in,
from its history."""

from __future__ import annotations

from datetime import date, datetime

from django.db import connections
from django.db.models import Case as DbCase
from django.db.models import CharField, Count, DateTimeField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractQuarter
from django.utils import timezone

from .disclosure import TOTAL
from .periods import cutoff
from .publication import NETWORK, YEAR


def people_behind(
    queryset,
    centres,
    centre: str,
    date_field: str,
    row=None,
    column=None,
    *,
    grouping_sets: bool | None = None,
) -> dict:
    """For counts of events: how many distinct cases stand behind each figure, for every
    figure the publication has (per centre and for the network; by month as totals, by
    quarter and for the year with and without rows and columns). Distinct counts do not add
    up, so each level is its own grouping: on PostgreSQL all of them in one scan (GROUP BY
    GROUPING SETS, so a goal's status at the end of its quarter is looked up once, not once
    a level), elsewhere one GROUP BY each. Made once a month, with the release."""
    annotated = queryset.annotate(
        _case=F("case"),
        _centre=F(centre),
        _month=ExtractMonth(date_field),
        _quarter=ExtractQuarter(date_field),
        **({"_row": row[1]} if row else {}),
        **({"_column": column[1]} if column else {}),
    ).order_by()
    groups = list(_groups(len(centres) > 1, row, column))
    if grouping_sets is None:
        grouping_sets = connections[queryset.db].vendor == "postgresql"
    if grouping_sets:
        records = _in_one_scan(annotated, groups, row, column)
    else:
        records = _one_query_each(annotated, groups)
    return {_key(group, r, row, column): r["_n"] for group, r in records}


def _groups(several_centres: bool, row, column):
    """The groupings a publication's figures need, each as the names it groups by."""
    for by_centre in (True, False) if several_centres else (True,):
        for period in ("_month", "_quarter", None):
            broken_down = period != "_month"
            for use_row in (True, False) if row and broken_down else (False,):
                for use_column in (True, False) if column and broken_down else (False,):
                    yield tuple(
                        name
                        for name, used in (
                            ("_centre", by_centre),
                            (period, period is not None),
                            ("_row", use_row),
                            ("_column", use_column),
                        )
                        if used
                    )


def _key(group: tuple, r: dict, row, column) -> tuple:
    return (
        r["_centre"] if "_centre" in group else NETWORK,
        r["_month"] if "_month" in group else f"Q{r['_quarter']}" if "_quarter" in group else YEAR,
        (row[0], r["_row"]) if "_row" in group else TOTAL,
        (column[0], r["_column"]) if "_column" in group else TOTAL,
    )


def _one_query_each(annotated, groups: list[tuple]):
    distinct = Count("_case", distinct=True)
    for group in groups:
        if group:
            for r in annotated.values(*group).annotate(_n=distinct):
                yield group, r
        else:
            yield group, annotated.aggregate(_n=distinct)


def _in_one_scan(annotated, groups: list[tuple], row, column):
    """One ``GROUP BY GROUPING SETS`` over the annotated rows; ``GROUPING()`` tells which set
    a result row belongs to (a grouped value may itself be NULL)."""
    names = [
        "_centre",
        "_month",
        "_quarter",
        *(["_row"] if row else []),
        *(["_column"] if column else []),
    ]
    sql, params = annotated.values("_case", *names).query.sql_with_params()
    quoted = ", ".join(f'"{name}"' for name in names)
    sets = ", ".join("(" + ", ".join(f'"{name}"' for name in group) + ")" for group in groups)
    by_mask = {
        sum(1 << (len(names) - 1 - i) for i, name in enumerate(names) if name not in group): group
        for group in groups
    }
    # Identifiers are the annotation names above; every value travels in ``params``.
    query = (
        f'SELECT {quoted}, GROUPING({quoted}), COUNT(DISTINCT "_case") '  # noqa: S608
        f"FROM ({sql}) AS events GROUP BY GROUPING SETS ({sets})"
    )
    with connections[annotated.db].cursor() as cursor:
        cursor.execute(query, params)
        for record in cursor.fetchall():
            r = dict(zip(names, record, strict=False))
            for period in ("_month", "_quarter"):  # EXTRACT gives a numeric
                r[period] = None if r[period] is None else int(r[period])
            r["_n"] = record[-1]
            yield by_mask[record[-2]], r


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
