"""Disclosure control for the coordinators' tables: no published count can single out a person.

A table of counts is published with its row, column and grand totals. ``protect`` hides:

- **primary** cells: every count (totals included) from 1 to k − 1, shown as "< k";
- **complementary** cells: wherever a row or a column would hold exactly one hidden entry, the
  published others and the total would give it back by subtraction, so a second entry of that
  line is hidden too — the smallest positive cell first, a zero next, the line's total last —
  until every line holds no hidden entry or at least two.

Zeros are published: "nobody" singles no one out. The tests check, by exhaustive search on
small tables, that no primary cell can be worked out from what is published.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

TOTAL = "__total__"


@dataclass(frozen=True)
class Cell:
    value: int
    primary: bool = False  # hidden because it is below the threshold
    complementary: bool = False  # hidden so that a primary cell cannot be derived

    @property
    def hidden(self) -> bool:
        return self.primary or self.complementary


@dataclass
class ProtectedTable:
    rows: list[Hashable]
    columns: list[Hashable]
    k: int
    cells: dict[tuple[Hashable, Hashable], Cell]  # totals at (row, TOTAL), (TOTAL, column)

    def cell(self, row: Hashable, column: Hashable) -> Cell:
        return self.cells[(row, column)]

    def published(self, row: Hashable, column: Hashable) -> int | None:
        cell = self.cells[(row, column)]
        return None if cell.hidden else cell.value


def _lines(rows: Sequence, columns: Sequence) -> list[tuple[list[tuple], tuple]]:
    """Every additive constraint of the table: (the parts, their total)."""
    lines = []
    for row in [*rows, TOTAL]:
        lines.append(([(row, column) for column in columns], (row, TOTAL)))
    for column in [*columns, TOTAL]:
        lines.append(([(row, column) for row in rows], (TOTAL, column)))
    return lines


def protect(
    counts: dict[tuple[Hashable, Hashable], int],
    rows: Iterable[Hashable],
    columns: Iterable[Hashable],
    k: int,
) -> ProtectedTable:
    rows, columns = list(rows), list(columns)
    if k < 2:
        raise ValueError("The threshold k must be at least 2.")
    values = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
    for r in rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)

    primary = {position for position, value in values.items() if 0 < value < k}
    hidden = set(primary)
    lines = _lines(rows, columns)
    changed = True
    while changed:
        changed = False
        for parts, total in lines:
            members = [*parts, total]
            if sum(position in hidden for position in members) != 1:
                continue
            candidates = [position for position in members if position not in hidden]
            if not candidates:
                continue
            hidden.add(min(candidates, key=lambda p: _cost(p, values[p], total)))
            changed = True
    return ProtectedTable(
        rows=rows,
        columns=columns,
        k=k,
        cells={
            position: Cell(
                value=value,
                primary=position in primary,
                complementary=position in hidden and position not in primary,
            )
            for position, value in values.items()
        },
    )


def _cost(position: tuple, value: int, total: tuple) -> tuple[int, int]:
    """Which entry to hide next: the smallest positive cell, then a zero, then the total."""
    if position == total or TOTAL in position:
        return (2, value)
    return (0, value) if value > 0 else (1, 0)
