"""Disclosure control for the coordinators' tables: no published count can single out a person.

A publication is a set of counts (cells) tied together by additive **lines**: the parts of a
line add up to its total (a row and its row total, the months of a quarter and the quarter, the
centres of a network and the network). ``protect_cells`` hides:

- **primary** cells: every count (totals included) from 1 to k − 1, shown as "< k";
- **complementary** cells: wherever a line would hold exactly one hidden entry, the published
  others and the total would give it back by subtraction, so a second entry of that line is
  hidden too — the smallest positive cell first, a zero next, an aggregate last — until every
  line holds no hidden entry or at least two;
- and then whatever an **audit** still finds: a hidden small count that a combination of
  several lines pins down (exact linear algebra over the hidden cells) gets one more partner
  hidden in one of its lines, and the search runs again.

Zeros are published: "nobody" singles no one out. ``protect`` is the two-way table case. The
tests check by exhaustive search on small tables, and by an independent solver on linked ones,
that no primary cell can be worked out from what is published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

TOTAL = "__total__"
PRIME = 2**61 - 1  # a Mersenne prime: the lines' ±1 coefficients never reach it

Key = Hashable
Line = tuple[Sequence[Key], Key]  # (the parts, their total)


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
    """Every additive constraint of a two-way table: (the parts, their total)."""
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
    """A two-way table with its row, column and grand totals."""
    rows, columns = list(rows), list(columns)
    values = {(r, c): int(counts.get((r, c), 0)) for r in rows for c in columns}
    for r in rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)
    cells = protect_cells(
        values, _lines(rows, columns), k, level=lambda key: sum(part == TOTAL for part in key)
    )
    return ProtectedTable(rows=rows, columns=columns, k=k, cells=cells)


def protect_cells(
    values: Mapping[Key, int],
    lines: Sequence[Line],
    k: int,
    level: Callable[[Key], int],
    known: Mapping[Key, int] | None = None,
    people: Mapping[Key, int] | None = None,
    withheld: set[Key] | frozenset = frozenset(),
) -> dict[Key, Cell]:
    """Protect a linked set of counts. ``level`` says how aggregated a cell is (0 for the
    finest); aggregates are hidden as partners only when nothing finer is left.

    ``known`` holds what the reader knows already: figures published before, and zeros by
    construction (a month that has not ended). Where a known value still holds, it is a
    constant to the reader: hiding it protects nothing, so it is never a partner, and the
    audit counts it as published.

    ``people``, for counts of events (sessions, referrals), says how many cases stand behind
    each: five referrals of one person are one person, and small too.

    ``withheld`` cells are not published whatever their value (a breakdown of a period still
    running): hidden from the start, they are partners to what else their lines hide but need
    none of their own (unless small: then they are primary like any other)."""
    if k < 2:
        raise ValueError("The threshold k must be at least 2.")
    members = [(*parts, total) for parts, total in lines]
    lines_of: dict[Key, list[int]] = defaultdict(list)
    for index, line in enumerate(members):
        for key in line:
            lines_of[key].append(index)

    def cost(key: Key) -> tuple[int, bool, int]:
        return (level(key), values[key] == 0, values[key])

    fixed = {key for key, value in (known or {}).items() if values.get(key) == value}
    people = people or {}
    primary = {key for key, value in values.items() if 0 < value < k or 0 < people.get(key, k) < k}
    hidden = primary | set(withheld)
    # Withheld, not small: not published now, so it is a partner to whatever else its line
    # hides, but it needs none of its own. What it is once its period is over is published by
    # a later release, which protects it together with what this one published (``known``).
    unneeded = fixed | (set(withheld) - primary)

    forced: set[Key] = set()  # hidden, but pinned to zero by the bounds: no partner at all

    def hide(key: Key, pending: list[int]) -> None:
        hidden.add(key)
        pending.extend(lines_of[key])

    def useful(key: Key) -> bool:
        """A zero in a line whose published total is zero would be pinned to zero at once."""
        return values[key] != 0 or not any(
            values[members[index][-1]] == 0 and members[index][-1] not in hidden
            for index in lines_of[key]
        )

    def choose(candidates: list[Key]) -> Key:
        return min([key for key in candidates if useful(key)] or candidates, key=cost)

    def pair_up(pending: list[int]) -> None:
        while pending:
            line = members[pending.pop()]
            # Hidden and able to move: a forced zero is as good as published.
            moving = [k for k in line if k in hidden and k not in fixed and k not in forced]
            if len(moving) != 1 or moving[0] in unneeded:
                continue
            candidates = [key for key in line if key not in hidden and key not in fixed]
            if candidates:
                hide(choose(candidates), pending)

    def exposed() -> set[Key]:
        unknown = hidden - fixed
        # Counts are never negative: a hidden cell every solution puts at zero is as good as
        # published, and may pin others down with it.
        zeros = _forced_zeros(unknown, members, values)
        if zeros is None:  # the solver could not tell: hide more, or fail closed
            return primary - fixed
        forced.clear()
        forced.update(zeros)
        return _determined(unknown - zeros, members, lines_of) & (primary - fixed)

    pair_up(list(range(len(members))))
    while exposed_now := exposed():
        pending: list[int] = []
        for key in sorted(exposed_now, key=repr):
            candidates = _unhidden(lines_of[key], members, hidden | fixed)
            if not candidates:  # its own lines are all hidden: widen to every line in play
                touched = {index for other in hidden for index in lines_of[other]}
                candidates = _unhidden(touched, members, hidden | fixed)
            if candidates:
                hide(choose(candidates), pending)
        if not pending:
            # Nothing left to hide next to what is still exposed. Fail closed: publish nothing.
            hidden.update(values)
            break
        pair_up(pending)
    complementary = hidden - primary  # once, not once a cell
    return {
        key: Cell(value=value, primary=key in primary, complementary=key in complementary)
        for key, value in values.items()
    }


def _forced_zeros(
    unknown: set[Key], members: Sequence[tuple], values: Mapping[Key, int]
) -> set[Key] | None:
    """The hidden cells that the published figures and non-negativity force to zero (``None``
    when the solver cannot tell: the caller then fails towards hiding more).

    A hidden cell that every solution ``x >= 0`` of the lines puts at zero is as good as
    published: with those zeros set, what is left of the solutions holds a point where every
    other hidden cell is positive, so the linear audit on what is left is exact (a cell the
    lines do not pin can move both ways). One linear programme finds them (Freund, Roundy and
    Todd, 1985): maximise the number of cells that can be made at least 1 in the cone
    ``A x = lambda b``, ``lambda >= 1``; the ones that cannot are zero everywhere."""
    candidates = [key for key in unknown if values[key] == 0]
    if not candidates:  # a forced zero is a zero: nothing to look for
        return set()
    # Imported here, not with the module: only the making of a release needs them, and a web
    # worker that never makes one would otherwise carry NumPy and SciPy (~60 MB, seconds of
    # start-up on a busy machine) for nothing.
    import numpy as np
    from scipy import optimize, sparse

    order = sorted(unknown, key=repr)
    index = {key: i for i, key in enumerate(order)}
    n = len(order)
    rows, columns, coefficients, rhs = [], [], [], []
    for line in members:
        *parts, total = line
        terms = [(key, 1) for key in parts] + [(total, -1)]
        if not any(key in index for key, _sign in terms):
            continue
        constant = 0
        for key, sign in terms:
            if key in index:
                rows.append(len(rhs))
                columns.append(index[key])
                coefficients.append(sign)
            else:
                constant += sign * values[key]
        rhs.append(-constant)
    m = len(rhs)
    # Variables: x (n), t (n), lambda. A x - lambda b = 0; t - x <= 0; 0 <= t <= 1.
    a = sparse.coo_matrix((coefficients, (rows, columns)), shape=(m, n))
    b = sparse.coo_matrix(np.array(rhs, dtype=float).reshape(m, 1))
    equalities = sparse.hstack([a, sparse.coo_matrix((m, n)), -b]).tocsr()
    identity = sparse.identity(n)
    inequalities = sparse.hstack([-identity, identity, sparse.coo_matrix((n, 1))]).tocsr()
    result = optimize.linprog(
        c=np.concatenate([np.zeros(n), -np.ones(n), [0.0]]),
        A_ub=inequalities,
        b_ub=np.zeros(n),
        A_eq=equalities,
        b_eq=np.zeros(m),
        bounds=[(0, None)] * n + [(0, 1)] * n + [(1, None)],
        method="highs",
    )
    if result.status != 0:
        return None
    return {key for key in candidates if result.x[n + index[key]] < 0.5}


def _unhidden(indexes, members: Sequence[tuple], hidden: set[Key]) -> list[Key]:
    return [key for index in indexes for key in members[index] if key not in hidden]


def _determined(
    hidden: set[Key], members: Sequence[tuple], lines_of: Mapping[Key, list[int]]
) -> set[Key]:
    """The hidden cells whose value the published ones pin down: a hidden cell is determined
    when its unit vector lies in the span of the lines restricted to the hidden cells.

    The elimination runs in the integers modulo a large prime, where it is exact and fast.
    What the rationals pin down, the prime field pins down too (unless the prime divided a
    denominator of the combination, which for ±1 lines of this size does not happen), so the
    audit errs, if ever, towards hiding more."""
    equations = []
    for index in {index for key in hidden for index in lines_of[key]}:
        *parts, total = members[index]
        row: dict[Key, int] = {}
        for key in parts:
            if key in hidden:
                row[key] = row.get(key, 0) + 1
        if total in hidden:
            row[total] = row.get(total, 0) - 1
        row = {key: value % PRIME for key, value in row.items() if value % PRIME}
        if row:
            equations.append(row)
    return _eliminate(sorted(equations, key=len), lines_of)


def _eliminate(equations: list[dict[Key, int]], lines_of: Mapping[Key, list[int]]) -> set[Key]:
    """The unknowns that Gauss-Jordan elimination pins to a single value (a reduced row with
    one unknown left), in the integers modulo a prime. Sparse rows, and for every unknown the
    rows that hold it, so that a new pivot is cleared from just those; the pivot is the
    unknown in the fewest lines, which keeps the rows short."""
    pivots: dict[Key, dict[Key, int]] = {}
    holding: dict[Key, set[Key]] = defaultdict(set)  # unknown → the pivots whose row holds it
    for row in equations:
        row = dict(row)
        # Reduced rows hold no other pivot: subtracting them brings in no new one.
        for pivot in [key for key in row if key in pivots]:
            factor = row.get(pivot)
            if factor:
                _subtract(row, pivots[pivot], factor)
        if not row:
            continue
        pivot = min(row, key=lambda key: (len(lines_of[key]), repr(key)))
        inverse = pow(row[pivot], -1, PRIME)
        row = {key: value * inverse % PRIME for key, value in row.items()}
        for other in list(holding[pivot]):
            other_row = pivots[other]
            _subtract(other_row, row, other_row[pivot], other, holding)
        pivots[pivot] = row
        for key in row:
            holding[key].add(pivot)
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


def _subtract(
    row: dict[Key, int],
    pivot_row: Mapping[Key, int],
    factor: int,
    name: Key = None,
    holding: dict[Key, set[Key]] | None = None,
) -> None:
    """``row -= factor * pivot_row``; ``holding`` (for the row ``name``) kept up to date."""
    for key, value in pivot_row.items():
        result = (row.get(key, 0) - factor * value) % PRIME
        if result:
            if holding is not None and key not in row:
                holding[key].add(name)
            row[key] = result
        elif key in row:
            del row[key]
            if holding is not None:
                holding[key].discard(name)
