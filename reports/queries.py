"""The figures behind a year's publications, counted in the database.

Every query groups by centre, month and fixed bins (GROUP BY); no row about a person ever
reaches Python, only counts. The window is the year up to the start of the current month
(``periods.cutoff``), in the installation's time zone (Europe/Brussels).
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.db.models import Case as DbCase
from django.db.models import (
    CharField,
    Count,
    F,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from clients.models import Case
from referrals.models import Referral
from sessions.models import Goal, Session

from . import bins
from .disclosure import TOTAL
from .events import people_behind, quarter_end, status_at
from .ledger import Ledger
from .periods import Period, cutoff
from .publication import Axis, Publication
from .publication import build as _build

CLOSING_BREAKDOWNS = [
    bins.REGION,
    bins.RESIDENCE,
    bins.AGE,
    bins.GENDER,
    bins.SESSIONS,
    bins.DURATION,
]
OPENING_BREAKDOWNS = [bins.REGION, bins.RESIDENCE, bins.AGE, bins.GENDER]


def window(year: int, today: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))
    end = min(timezone.make_aware(datetime(year + 1, 1, 1)), cutoff(today))
    return start, max(start, end)


def _count(queryset: QuerySet, centre: str, month, row=None, column=None) -> dict:
    """``{(centre, month, row, column): n}``, grouped in the database. ``row`` and ``column``
    are ``(partition, expression)``; without one, the axis is its total."""
    annotations = {"_month": month}
    group = [centre, "_month"]
    for name, axis in (("_row", row), ("_column", column)):
        if axis is not None:
            annotations[name] = axis[1]
            group.append(name)
    found = queryset.annotate(**annotations).order_by().values(*group).annotate(_n=Count("pk"))
    return {
        (
            r[centre],
            r["_month"],
            (row[0], r["_row"]) if row else TOTAL,
            (column[0], r["_column"]) if column else TOTAL,
        ): r["_n"]
        for r in found
    }


def closed_in(centres, year, today) -> QuerySet:
    start, end = window(year, today)
    return Case.objects.filter(centre_id__in=centres, closed_at__gte=start, closed_at__lt=end)


def _opened(centres, year, today) -> QuerySet:
    start, end = window(year, today)
    return Case.objects.filter(centre_id__in=centres, opened_at__gte=start, opened_at__lt=end)


def _breakdown_counts(
    queryset, date_field, row, breakdowns, *, grouping_sets: bool | None = None
) -> tuple[dict, list]:
    """Counts against every breakdown, in its bins (regions not merged yet: ``_build``).

    On PostgreSQL one scan of the cases gives every breakdown (GROUP BY GROUPING SETS); SQLite
    has no grouping sets, and gets one GROUP BY per breakdown."""
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    if grouping_sets:
        found = _grouping_sets(queryset, date_field, row, breakdowns)
    else:
        found = {}
        for breakdown in breakdowns:
            found[breakdown.code] = _count(
                queryset,
                "centre_id",
                ExtractMonth(date_field),
                row,
                (breakdown.code, breakdown.expression()),
            )
    counts: dict = {}
    partitions = []
    for breakdown in breakdowns:
        counts.update(_rebinned(found[breakdown.code], breakdown.band))
        partitions.append((breakdown.code, tuple(code for code, _label in breakdown.bins)))
    return counts, partitions


def _rebinned(counts: dict, band) -> dict:
    """Counts grouped by a raw column value, added up into its bins."""
    rebinned: dict = defaultdict(int)
    for (centre, month, row, column), n in counts.items():
        if column != TOTAL:
            column = (column[0], band(column[1]))
        rebinned[(centre, month, row, column)] += n
    return dict(rebinned)


def _grouping_sets(queryset, date_field, row, breakdowns) -> dict[str, dict]:
    """``{breakdown: {(centre, month, row, (breakdown, bin)): n}}`` from one query."""
    columns = {f"_b{i}": breakdown for i, breakdown in enumerate(breakdowns)}
    annotations = {"_centre": F("centre_id"), "_month": ExtractMonth(date_field)}
    if row is not None:
        annotations["_row"] = row[1]
    annotations.update({name: b.expression() for name, b in columns.items()})
    keys = [name for name in annotations if not name.startswith("_b")]
    inner = queryset.annotate(**annotations).order_by().values(*annotations)
    sql, params = inner.query.sql_with_params()
    key_sql = ", ".join(f'"{name}"' for name in keys)
    sets = ", ".join(f'({key_sql}, "{name}")' for name in columns)
    select = ", ".join(f'"{name}"' for name in [*keys, *columns])
    # Identifiers are the annotation names above; every value travels in ``params``.
    query = f"SELECT {select}, COUNT(*) FROM ({sql}) AS cases GROUP BY GROUPING SETS ({sets})"  # noqa: S608
    found: dict[str, dict] = {b.code: {} for b in breakdowns}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for record in cursor.fetchall():
            values = dict(zip([*keys, *columns], record[:-1], strict=True))
            for name, breakdown in columns.items():
                if values[name] is not None:  # the grouping set of this breakdown
                    key = (
                        values["_centre"],
                        int(values["_month"]),
                        (row[0], values["_row"]) if row is not None else TOTAL,
                        (breakdown.code, values[name]),
                    )
                    found[breakdown.code][key] = record[-1]
    return found


def coarsen_regions(
    counts: dict, k: int, merged: list[str] | None = None, prior: dict | None = None
) -> tuple[dict, list[str], list[str]]:
    """Regions are merged into the rest of their continent when they hold fewer than k people
    (all centres together, zeros included) in the year so far and in ``prior`` (last year's
    counts), so no published row is a region of one person and the merged ones are not told
    apart from the empty ones. ``merged`` fixes them instead: a year keeps the regions of its
    first release, or a region leaving the rest of its continent would give away the people
    of the others (the old merged figure less the new one).

    Returns the counts, the region codes shown, and the regions merged."""
    if merged is None:
        totals: dict[str, int] = defaultdict(int)
        for source in (counts, prior or {}):
            for (_centre, _month, _row, column), n in source.items():
                if column != TOTAL and column[0] == bins.REGION.code:
                    totals[column[1]] += n
        merged = [region for region in bins.REGION_CONTINENT if totals[region] < k]
    codes = []
    for continent in bins.CONTINENT_REST:
        regions = [r for r, c in bins.REGION_CONTINENT.items() if c == continent]
        codes += [r for r in regions if r not in merged]
        if any(r in merged for r in regions):
            codes.append(f"rest_{continent}")
    codes.append(bins.NOT_RECORDED)
    coarse: dict = defaultdict(int)
    for (centre, month, row, column), n in counts.items():
        if column != TOTAL and column[0] == bins.REGION.code and column[1] in merged:
            column = (column[0], f"rest_{bins.REGION_CONTINENT[column[1]]}")
        coarse[(centre, month, row, column)] += n
    return dict(coarse), codes, sorted(merged)


@contextmanager
def _snapshot():
    """On PostgreSQL, every count of a page from one read-only snapshot (the figures add up
    even while counsellors write), without JIT compilation: it costs these short aggregate
    queries more than it saves. (SQLite reads one file under its own lock.)"""
    if connection.vendor != "postgresql":
        yield
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:  # inside someone else's transaction, its snapshot rules
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SET LOCAL jit = off")
        yield


@dataclass
class Made:
    """A year's publications, with what a release keeps of how they were made."""

    publications: dict[str, Publication] = field(default_factory=dict)
    ledger: dict[str, dict] = field(default_factory=dict)  # the counts used, per publication
    regions: dict[str, list[str]] = field(default_factory=dict)  # the regions merged


def publications(
    centres: list[int], year: int, today: date, k: int, known: dict | None = None
) -> dict[str, Publication]:
    """Every publication of a year for a set of centres protected together, counted afresh."""
    return count(centres, year, today, k, known=known).publications


def count(
    centres: list[int],
    year: int,
    today: date,
    k: int,
    *,
    known: dict | None = None,
    ledger: Ledger | None = None,
    regions: dict | None = None,
    prior: dict | None = None,
) -> Made:
    """Count and protect a year's publications.

    ``known`` holds, per publication, the figures its readers know already, with the last
    month each was counted to; ``ledger`` the months released already, taken as released;
    ``regions`` the regions the year merges (from its first release), or else ``prior``,
    last year's counts, helps decide them (``releases``)."""
    ended = Period(year).ended_months(today)
    known, ledger, regions, prior = known or {}, ledger or Ledger(), regions or {}, prior or {}
    made = Made()

    def build(name, rows, columns, counts, k, people=None):
        counts = ledger.apply(name, counts)
        made.ledger[name] = counts
        if any(partition == bins.REGION.code for partition, _codes in columns.partitions):
            counts, codes, made.regions[name] = coarsen_regions(
                counts, k, regions.get(name), prior.get(name)
            )
            columns = Axis(
                tuple(
                    (partition, tuple(codes) if partition == bins.REGION.code else bins_)
                    for partition, bins_ in columns.partitions
                ),
                monthly=columns.monthly,
            )
        return _build(
            centres,
            rows,
            columns,
            counts,
            k,
            last_month=max(ended, default=0),
            known=known.get(name),
            people=people,
        )

    with _snapshot():
        made.publications = _publications(centres, year, today, k, build)
    return made


def _publications(centres: list[int], year: int, today: date, k: int, build) -> dict:
    closed = closed_in(centres, year, today).exclude(outcome="")
    counts, partitions = _breakdown_counts(
        closed, "closed_at", ("outcome", F("outcome")), CLOSING_BREAKDOWNS
    )
    outcome_axis = Axis((("outcome", tuple(code for code, _l in bins.OUTCOMES)),))
    result = {"closings": build("closings", outcome_axis, Axis(tuple(partitions)), counts, k)}

    opened = _opened(centres, year, today)
    # A client's first case or a later one: "new clients" and "cases opened" in one publication.
    first = DbCase(When(number=1, then=Value("first")), default=Value("later"))
    counts, partitions = _breakdown_counts(opened, "opened_at", ("case", first), OPENING_BREAKDOWNS)
    case_axis = Axis((("case", ("first", "later")),), monthly=True)
    result["openings"] = build("openings", case_axis, Axis(tuple(partitions)), counts, k)

    start, end = window(year, today)

    held = Session.objects.filter(
        case__centre_id__in=centres,
        held_on__gte=start.date(),
        held_on__lt=timezone.localtime(end).date(),
    )
    counts = _count(held, "case__centre_id", ExtractMonth("held_on"))
    people = people_behind(held, centres, "case__centre_id", "held_on")
    result["sessions"] = build("sessions", Axis(), Axis(), counts, k, people)

    goals = Goal.objects.filter(
        case__centre_id__in=centres, created_at__gte=start, created_at__lt=end
    ).annotate(_moment=quarter_end("created_at", year, today))
    goals = goals.annotate(status_then=status_at(Goal, OuterRef("_moment")))
    row, column = ("category", F("category")), ("status", F("status_then"))
    counts = _count(goals, "case__centre_id", ExtractMonth("created_at"), row, column)
    people = people_behind(goals, centres, "case__centre_id", "created_at", row, column)
    result["goals"] = build(
        "goals",
        Axis((("category", tuple(c for c, _l in bins.GOAL_CATEGORIES)),)),
        Axis((("status", tuple(c for c, _l in bins.GOAL_STATUSES)),)),
        counts,
        k,
        people,
    )

    referrals = Referral.objects.filter(
        bins.not_draft(), case__centre_id__in=centres, sent_at__gte=start, sent_at__lt=end
    ).annotate(_moment=quarter_end("sent_at", year, today))
    referrals = referrals.annotate(status_then=status_at(Referral, OuterRef("_moment")))
    row = ("type", F("type"))
    counts = _count(
        referrals, "case__centre_id", ExtractMonth("sent_at"), row, ("status", F("status_then"))
    )
    counts = _rebinned(counts, bins.REFERRAL_GROUP_OF.get)
    answer = DbCase(
        *[
            When(status_then__in=statuses, then=Value(code))
            for code, _l, statuses in bins.REFERRAL_GROUPS
        ],
        output_field=CharField(),
    )
    people = people_behind(
        referrals, centres, "case__centre_id", "sent_at", row, ("status", answer)
    )
    result["referrals"] = build(
        "referrals",
        Axis((("type", tuple(c for c, _l in bins.REFERRAL_TYPES)),)),
        Axis((("status", tuple(c for c, *_rest in bins.REFERRAL_GROUPS)),)),
        counts,
        k,
        people,
    )
    return result
