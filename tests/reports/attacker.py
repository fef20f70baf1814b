"""An attacker who knows how the figures add up: what can they work out exactly?

An independent solver (Gauss-Jordan over the rationals, exact fractions), on purpose not the
one in ``reports.disclosure`` (modulo a prime): a hidden cell is worked out when the
published figures and the lines pin it to one value.
"""

from __future__ import annotations

from fractions import Fraction

from scipy import optimize

from reports.publication import _lines, _months_of


def worked_out(cells: dict, lines) -> set:
    hidden = {key for key, cell in cells.items() if cell.hidden}
    pivots: dict = {}  # pivot key → its row, reduced against every other pivot
    for parts, total in lines:
        row: dict = {}
        for key, sign in [*((key, 1) for key in parts), (total, -1)]:
            if key in hidden:
                row[key] = row.get(key, Fraction(0)) + sign
        row = {key: value for key, value in row.items() if value}
        for pivot in [key for key in row if key in pivots]:
            factor = row.get(pivot)
            if factor:
                _minus(row, pivots[pivot], factor)
        if not row:
            continue
        pivot = max(row, key=repr)  # any order will do: the span is the same
        row = {key: value / row[pivot] for key, value in row.items()}
        for other in pivots.values():
            factor = other.get(pivot)
            if factor:
                _minus(other, row, factor)
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


def _minus(row: dict, pivot_row: dict, factor) -> None:
    for key, value in pivot_row.items():
        result = row.get(key, Fraction(0)) - factor * value
        if result:
            row[key] = result
        else:
            row.pop(key, None)


def worked_out_over_time(releases) -> set:
    """What an attacker works out from several releases of the same figures, each given as
    ``(publication, the last month it counted)``, oldest first. A figure of a period that had
    ended by one release is the same in every later one (released months are frozen), and
    each release's own lines hold. A figure a publication does not hold (a release keeps its
    published ones only) is unknown. Returns the keys of the newest release worked out."""
    cells, lines = {}, []
    for index, (publication, _through) in enumerate(releases):
        own = _lines(list(publication.centres), publication.rows, publication.columns)
        for parts, total in own:
            for key in (*parts, total):
                cell = publication.cells.get(key)
                cells[(index, key)] = cell if cell is not None else _Hidden
            lines.append(([(index, key) for key in parts], (index, total)))
    for index, (_publication, through) in enumerate(releases):
        for later in range(index + 1, len(releases)):
            for _i, key in [name for name in cells if name[0] == index]:
                if max(_months_of(key[1])) <= through and (later, key) in cells:
                    lines.append(([(index, key)], (later, key)))
    newest = len(releases) - 1
    return {key for index, key in worked_out(cells, lines) if index == newest}


class _Hidden:
    hidden = True


def pinned_by_bounds(cells: dict, lines, keys) -> set:
    """Of ``keys``, the hidden cells an attacker pins down knowing also that no count is
    negative: the smallest and the largest value the published figures allow are the same.
    Two linear programmes per cell (SciPy's HiGHS), on purpose not the audit's method."""
    hidden = [key for key, cell in cells.items() if cell.hidden]
    column = {key: i for i, key in enumerate(hidden)}
    matrix, rhs = [], []
    for parts, total in lines:
        row, constant = [0.0] * len(hidden), 0
        for key, sign in [*((key, 1) for key in parts), (total, -1)]:
            if key in column:
                row[column[key]] += sign
            else:
                constant += sign * cells[key].value
        if any(row):
            matrix.append(row)
            rhs.append(-constant)
    pinned = set()
    for key in keys:
        if key not in column:
            continue
        objective = [0.0] * len(hidden)
        objective[column[key]] = 1.0
        ends = []
        for sign in (1, -1):
            result = optimize.linprog(
                [sign * v for v in objective],
                A_eq=matrix,
                b_eq=rhs,
                bounds=[(0, None)] * len(hidden),
                method="highs",
            )
            ends.append(sign * result.fun if result.status == 0 else None)
        if None not in ends and ends[1] - ends[0] < 0.5:
            pinned.add(key)
    return pinned
