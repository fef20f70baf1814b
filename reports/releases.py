"""The figures a coordinator reads: a month's release, made at night by the beat
(``tasks.make_releases``), or by a task a coordinator asks for when it is missing; reading the
dashboard never makes one (``release_read``): a page that is read writes nothing.

Each release is protected knowing what the earlier releases of the same year published: a
figure shown last month is known for good, and a small count must not be found from it by
subtracting this month's figures (``disclosure.protect_cells``, ``known``). Within the month
the release is served unchanged, so nothing moves from one day to the next, and the
protection is computed once a month per network and year, not on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction

from . import ledger
from .disclosure import TOTAL, Cell
from .ledger import ledger_for
from .medians import medians
from .models import Release
from .periods import Period, cutoff
from .publication import NETWORK, QUARTERS, Axis, Publication
from .queries import count


@dataclass
class Released:
    publications: dict[str, Publication]
    medians: dict[tuple, int]  # (centre node, period node) → weeks, published ones only


# Raise when the bins or tables change: releases of an older shape are then made anew (they
# stay known to the new ones), never served with tables they do not have.
SCHEMA = 2
# The advisory locks of the releases, one per year: (LOCK_SPACE, year).
LOCK_SPACE = 7301


def release_read(scope, year: int, today: date, k: int) -> Released | None:
    """The month's release, or ``None`` while it has not been made."""
    found = _find(scope, year, cutoff(today).date(), k)
    return None if found is None else _read(found)


def release_for(scope, year: int, today: date, k: int) -> Released:
    """The month's release, made now if it has not been (the nightly task, the task a
    coordinator asks for, and retention before it anonymises)."""
    month = cutoff(today).date()
    found = _find(scope, year, month, k)
    if found is None:
        with transaction.atomic():
            # One release of a year at a time: the next one (this unit's next month, another
            # unit sharing a centre) must know what this one published, and take its months.
            _lock(year)
            found = _find(scope, year, month, k) or _make(scope, year, today, month, k)
    return _read(found)


def _find(scope, year: int, month: date, k: int) -> Release | None:
    # The ledger (the finest counts) is read only to make the next release: decoding it on
    # every reading was most of the page's time (docs/performance.md).
    return (
        Release.objects.filter(unit=scope.label, year=year, month=month, k=k, schema=SCHEMA)
        .defer("ledger")
        .first()
    )


def _lock(year: int) -> None:
    """Held to the end of the transaction. SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, year])


def _make(scope, year: int, today: date, month: date, k: int) -> Release:
    first = (
        Release.objects.filter(unit=scope.label, year=year, schema=SCHEMA)
        .order_by("created_at", "pk")
        .only("regions")
        .first()
    )
    made = count(
        scope.unit,
        year,
        today,
        k,
        known=_known(scope, year, month),
        ledger=ledger_for(scope.unit, year, SCHEMA),
        regions=first.regions if first else None,
        prior=None if first else _prior(scope, year),
    )
    earlier = (
        Release.objects.filter(unit=scope.label, year=year, schema=SCHEMA, month__lt=month)
        .order_by("-month", "-created_at")
        .only("month", "year", "medians")
        .first()
    )
    release = Release(
        unit=scope.label,
        centres=scope.unit,
        year=year,
        month=month,
        k=k,
        schema=SCHEMA,
        figures={name: _dump(publication) for name, publication in made.publications.items()},
        medians=_medians(scope, year, today, k, made.publications["closings"], earlier),
        ledger={name: ledger.dump(counts) for name, counts in made.ledger.items()},
        regions=made.regions,
    )
    try:
        with transaction.atomic():
            release.save()
    except IntegrityError:  # another reader made it first: theirs is the release
        release = Release.objects.get(unit=scope.label, year=year, month=month, k=k, schema=SCHEMA)
    return release


def _prior(scope, year: int) -> dict:
    """Last year's counts, which help decide the regions a year shows on their own."""
    last = (
        Release.objects.filter(unit=scope.label, year=year - 1, schema=SCHEMA)
        .order_by("-month", "-created_at")
        .only("ledger")
        .first()
    )
    if last is None:
        return {}
    return {
        name: {ledger.key_of(key): n for *key, n in stored} for name, stored in last.ledger.items()
    }


def _medians(
    scope, year: int, today: date, k: int, closings: Publication, earlier: Release | None
) -> list:
    """The median weeks from intake to outcome per centre, for the network and per quarter and
    year: only where the count of closed cases is published, at least k, and the same. A
    period that had ended by the last release keeps that release's median, or its silence."""
    shown = []
    for part in ["year", *(quarter.lower() for quarter in QUARTERS)]:
        period = Period(year, part)
        if period.ended_months(today) != period.months:  # shown once the period is over
            continue
        if earlier is not None and max(period.months) <= earlier.last_month:
            shown += [entry for entry in earlier.medians if entry[1] == period.node]
            continue
        for centre, (n, days) in medians(scope.unit, period, today).items():
            node = closings.node_of(centre)
            cell = closings.cells.get((node, period.node, TOTAL, TOTAL))
            if cell and not cell.hidden and days is not None and n >= k and cell.value == n:
                # In whole weeks: a median is one person's duration, not to the day.
                shown.append([node, period.node, round(days / 7)])
    return shown


def _known(scope, year: int, month: date) -> dict[str, dict]:
    """What the earlier releases of the year published, by publication, keyed ``(figure,
    the last month it counted)``: this unit's releases, and, for its centres, any other unit's
    that held them. Figures of a network as a whole count only for the same centres."""
    known: dict[str, dict] = {}
    # Earlier months, and this month's release at another threshold (k raised meanwhile) or of
    # an older shape: the one being made does not exist yet.
    earlier_releases = Release.objects.filter(year=year, month__lte=month)
    holding = [
        pk
        for pk, centres in earlier_releases.values_list("pk", "centres")
        if set(centres) & set(scope.unit)
    ]
    earlier_releases = earlier_releases.filter(pk__in=holding).defer("ledger")
    for earlier in earlier_releases.order_by("month", "k", "pk"):
        ours = earlier.unit == scope.label and earlier.centres == scope.unit
        for name, dumped in earlier.figures.items():
            for key, value in _cells(dumped):
                if key[0] == NETWORK and not ours:
                    continue
                if key[0] != NETWORK and key[0] not in scope.unit:
                    continue
                known.setdefault(name, {})[(key, earlier.last_month)] = value
    return known


def _dump(publication: Publication) -> dict:
    return {
        "rows": [[name, list(codes)] for name, codes in publication.rows.partitions],
        "monthly": publication.rows.monthly,
        "columns": [[name, list(codes)] for name, codes in publication.columns.partitions],
        "cells": [
            [*(list(part) if isinstance(part, tuple) else part for part in key), cell.value]
            for key, cell in publication.cells.items()
            if not cell.hidden
        ],
    }


def _cells(dumped: dict):
    for *key, value in dumped["cells"]:
        yield ledger.key_of(key), value


def _read(release: Release) -> Released:
    found = {}
    for name, dumped in release.figures.items():
        rows = Axis(tuple((n, tuple(c)) for n, c in dumped["rows"]), monthly=dumped["monthly"])
        columns = Axis(tuple((n, tuple(c)) for n, c in dumped["columns"]))
        found[name] = Publication(
            centres=tuple(release.centres),
            rows=rows,
            columns=columns,
            k=release.k,
            cells={key: Cell(value) for key, value in _cells(dumped)},
        )
    return Released(
        publications=found,
        medians={(node, period): days for node, period, days in release.medians},
    )
