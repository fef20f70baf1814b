"""A year's publication: one set of counts over centre × period × rows × columns, protected
together, from which every figure a coordinator sees for that year is cut.

Why one set: the months add up to quarters and the year, the centres of a network to the
network, the bins of every breakdown to the same totals. Were they protected one screen at a
time, a figure hidden on one screen could be shown on another or worked out from it. Cut from
one protected whole, all screens together publish no more than the whole, and the whole is
protected (``reports.disclosure``).

Months appear only as totals (the trend), or by row where the rows say so; the columns are
broken down by quarter and year only.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product

from .disclosure import TOTAL, Cell, protect_cells

MONTHS = tuple(range(1, 13))
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
YEAR = "Y"
QUARTER_MONTHS = {quarter: MONTHS[3 * i : 3 * i + 3] for i, quarter in enumerate(QUARTERS)}
NETWORK = "network"
PERIODS = (*MONTHS, *QUARTERS, YEAR)
HIDDEN_CELL = Cell(0, complementary=True)


@dataclass(frozen=True)
class Axis:
    """The bins of the rows or of the columns: one or more partitions of the same people (a
    bin is ``(partition, code)``), or none when the axis is its total only."""

    partitions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    monthly: bool = False  # the row bins are published month by month too (else months: totals)

    def bins(self, partition: str | None = None) -> list[tuple[str, str]]:
        return [
            (name, code)
            for name, codes in self.partitions
            if partition in (None, name)
            for code in codes
        ]

    @property
    def nodes(self) -> list[Hashable]:
        return [*self.bins(), TOTAL]


@dataclass
class Publication:
    centres: tuple[int, ...]
    rows: Axis
    columns: Axis
    k: int
    cells: dict[tuple, Cell] = field(repr=False)

    def node_of(self, centre: int | None) -> Hashable:
        """The centre's node, or the network's for ``None``."""
        if centre is None:
            return NETWORK if len(self.centres) > 1 else self.centres[0]
        return centre

    def cell(self, centre: int | None, period, row=TOTAL, column=TOTAL) -> Cell:
        """A released publication holds its published cells only: the rest read as hidden."""
        return self.cells.get((self.node_of(centre), period, row, column), HIDDEN_CELL)


def build(
    centres: Sequence[int],
    rows: Axis,
    columns: Axis,
    counts: Mapping[tuple, int],
    k: int,
    *,
    last_month: int = 12,
    known: Mapping[tuple, int] | None = None,
    people: Mapping[tuple, int] | None = None,
) -> Publication:
    """``counts`` holds the finest figures, keyed ``(centre, month, row, column)``: a row bin
    (or ``TOTAL`` when the rows have no bins) against a column bin of every partition (or
    ``TOTAL``). Everything else is added up here and the whole is protected.

    ``known`` holds what was published before, keyed ``(key, the last month it counted)``."""
    # One order for every caller: the protection must not depend on who asks.
    centres = tuple(sorted(centres))
    values = _values(centres, rows, columns, counts)
    # A breakdown of a quarter or year still running is not published: next month's would
    # differ from it by exactly that month's breakdown, which is never published.
    withheld = {
        key
        for key in values
        if min(_months_of(key[1])) <= last_month < max(_months_of(key[1]))
        and (key[3] != TOTAL or (key[2] != TOTAL and not rows.monthly))
    }
    # Periods not begun by ``last_month`` are zero, and every reader knows it.
    zeros = {key: 0 for key in values if min(_months_of(key[1])) > last_month}
    earlier, linked = _linked(values, known or {})
    cells = protect_cells(
        values,
        _lines(centres, rows, columns) + linked,
        k,
        level=_level,
        known={**zeros, **earlier},
        people=people,
        withheld=withheld,
    )
    cells = {key: cell for key, cell in cells.items() if not isinstance(key[1], tuple)}
    return Publication(centres=centres, rows=rows, columns=columns, k=k, cells=cells)


def _linked(values: dict, known: Mapping[tuple, int]) -> tuple[dict, list]:
    """What readers know, as constants of this publication. A figure released when its period
    had ended is the same figure now (released months are frozen: ``ledger``). A figure of a
    period then still running is the sum of the months it counted, all frozen since: it
    becomes a cell of its own, tied to them by a line, so that it and this month's figures
    are audited together. Added to ``values``; returns the known values and the lines."""
    earlier: dict[tuple, int] = {}
    lines = []
    for (key, through), value in known.items():
        centre, period, row, column = key
        months = [month for month in _months_of(period) if month <= through]
        if len(months) == len(_months_of(period)):
            earlier[key] = value
            continue
        parts = [(centre, month, row, column) for month in months]
        if not parts or any(part not in values for part in parts):
            continue
        if len(parts) == 1:
            earlier[parts[0]] = value
        elif sum(values[part] for part in parts) == value:
            total = (centre, ("to", period, through), row, column)
            values[total] = earlier[total] = value
            lines.append((parts, total))
    return earlier, lines


def _months_of(period) -> tuple[int, ...]:
    if period in MONTHS:
        return (period,)
    return QUARTER_MONTHS[period] if period in QUARTERS else MONTHS


def _exists(rows: Axis, period, row, column) -> bool:
    """Months are published as totals, and by row where the rows are ``monthly``."""
    return period not in MONTHS or (column == TOTAL and (row == TOTAL or rows.monthly))


def _level(key: tuple) -> int:
    centre, period, row, column = key
    period_level = 0 if period in MONTHS else 1 if period in QUARTERS else 2
    return (centre == NETWORK) + period_level + (row == TOTAL) + (column == TOTAL)


def _values(centres, rows: Axis, columns: Axis, counts: Mapping[tuple, int]) -> dict:
    row_bins = rows.bins() or [TOTAL]
    first_columns = columns.bins(columns.partitions[0][0]) if columns.partitions else [TOTAL]
    leaf: dict[tuple, int] = {}
    for centre, month in product(centres, MONTHS):
        for row, column in product(row_bins, columns.bins() or [TOTAL]):
            leaf[(centre, month, row, column)] = int(counts.get((centre, month, row, column), 0))
        if rows.partitions:
            for column in columns.bins():
                leaf[(centre, month, TOTAL, column)] = sum(
                    leaf[(centre, month, row, column)] for row in row_bins
                )
        if columns.partitions:
            for row in [*rows.bins(), TOTAL]:
                leaf[(centre, month, row, TOTAL)] = sum(
                    leaf[(centre, month, row, column)] for column in first_columns
                )
    values: dict[tuple, int] = {}
    for centre, row, column in product(centres, rows.nodes, columns.nodes):
        if (centre, 1, row, column) not in leaf:
            continue
        by_month = {month: leaf[(centre, month, row, column)] for month in MONTHS}
        for month, value in by_month.items():
            if _exists(rows, month, row, column):
                values[(centre, month, row, column)] = value
        for quarter, months in QUARTER_MONTHS.items():
            values[(centre, quarter, row, column)] = sum(by_month[m] for m in months)
        values[(centre, YEAR, row, column)] = sum(by_month.values())
    if len(centres) > 1:
        for period, row, column in product(PERIODS, rows.nodes, columns.nodes):
            if _exists(rows, period, row, column) and (centres[0], period, row, column) in values:
                values[(NETWORK, period, row, column)] = sum(
                    values[(centre, period, row, column)] for centre in centres
                )
    return values


def _lines(centres, rows: Axis, columns: Axis) -> list[tuple[list[tuple], tuple]]:
    """Every way the figures add up, among the cells that exist."""
    centre_nodes = [*centres, NETWORK] if len(centres) > 1 else list(centres)
    candidates = []
    for centre, period in product(centre_nodes, PERIODS):
        for name, _codes in rows.partitions:
            for column in columns.nodes:
                parts = [(centre, period, row, column) for row in rows.bins(name)]
                candidates.append((parts, (centre, period, TOTAL, column)))
        for name, _codes in columns.partitions:
            for row in rows.nodes:
                parts = [(centre, period, row, column) for column in columns.bins(name)]
                candidates.append((parts, (centre, period, row, TOTAL)))
    for centre, row, column in product(centre_nodes, rows.nodes, columns.nodes):
        parts = [(centre, quarter, row, column) for quarter in QUARTERS]
        candidates.append((parts, (centre, YEAR, row, column)))
        for quarter, months in QUARTER_MONTHS.items():
            parts = [(centre, month, row, column) for month in months]
            candidates.append((parts, (centre, quarter, row, column)))
    if len(centres) > 1:
        for period, row, column in product(PERIODS, rows.nodes, columns.nodes):
            parts = [(centre, period, row, column) for centre in centres]
            candidates.append((parts, (NETWORK, period, row, column)))
    return [
        (parts, total)
        for parts, total in candidates
        if all(_exists(rows, *key[1:]) for key in (*parts, total))
    ]
