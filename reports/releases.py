"""The figures a coordinator reads: a month's release, made by the first reader of the month.

Each release is protected knowing what the earlier releases of the same year published: a
figure shown last month is known for good, and a small count must not be found from it by
subtracting this month's figures (``disclosure.protect_cells``, ``known``). Within the month
the release is served unchanged, so nothing moves from one day to the next, and the
protection is computed once a month per network and year, not on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction

from .disclosure import TOTAL, Cell
from .medians import medians
from .models import Release
from .periods import Period, cutoff
from .publication import NETWORK, QUARTERS, Axis, Publication
from .queries import publications


@dataclass
class Released:
    publications: dict[str, Publication]
    medians: dict[tuple, int]  # (centre node, period node) → weeks, published ones only


# Raise when the bins or tables change: releases of an older shape are then made anew (they
# stay known to the new ones), never served with tables they do not have.
SCHEMA = 1


def release_for(scope, year: int, today: date, k: int) -> Released:
    month = cutoff(today).date()
    found = Release.objects.filter(
        unit=scope.label, year=year, month=month, k=k, schema=SCHEMA
    ).first()
    if found is None:
        found = _make(scope, year, today, month, k)
    return _read(found)


def _make(scope, year: int, today: date, month: date, k: int) -> Release:
    known = _known(scope, year, month)
    made = publications(scope.unit, year, today, k, known=known)
    release = Release(
        unit=scope.label,
        centres=scope.unit,
        year=year,
        month=month,
        k=k,
        schema=SCHEMA,
        figures={name: _dump(publication) for name, publication in made.items()},
        medians=_medians(scope, year, today, k, made["closings"]),
    )
    try:
        with transaction.atomic():
            release.save()
    except IntegrityError:  # another reader made it first: theirs is the release
        release = Release.objects.get(unit=scope.label, year=year, month=month, k=k, schema=SCHEMA)
    return release


def _medians(scope, year: int, today: date, k: int, closings: Publication) -> list:
    """The median weeks from intake to outcome per centre, for the network and per quarter and
    year: only where the count of closed cases is published, at least k, and the same."""
    shown = []
    for part in ["year", *(quarter.lower() for quarter in QUARTERS)]:
        period = Period(year, part)
        if not period.ended_months(today):
            continue
        for centre, (n, days) in medians(scope.unit, period, today).items():
            node = closings.node_of(centre)
            cell = closings.cells.get((node, period.node, TOTAL, TOTAL))
            if cell and not cell.hidden and days is not None and n >= k and cell.value == n:
                # In whole weeks: a median is one person's duration, not to the day.
                shown.append([node, period.node, round(days / 7)])
    return shown


def _known(scope, year: int, month: date) -> dict[str, dict]:
    """What the earlier releases of the year published, by publication. Figures of the
    network as a whole count only while the network has the same centres."""
    known: dict[str, dict] = {}
    # Earlier months, and this month's release at another threshold (k raised meanwhile) or of
    # an older shape: the one being made does not exist yet.
    earlier_releases = Release.objects.filter(unit=scope.label, year=year, month__lte=month)
    for earlier in earlier_releases.order_by("month", "k"):
        same_centres = earlier.centres == scope.unit
        for name, dumped in earlier.figures.items():
            for key, value in _cells(dumped):
                if key[0] == NETWORK and not same_centres:
                    continue
                if key[0] != NETWORK and key[0] not in scope.unit:
                    continue
                known.setdefault(name, {})[key] = value
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
        yield tuple(tuple(part) if isinstance(part, list) else part for part in key), value


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
