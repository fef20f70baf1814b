"""An attacker who knows how the figures add up: what can they work out exactly?

An independent solver (dense Gauss-Jordan over the rationals), on purpose not the one in
``reports.disclosure``: a hidden cell is worked out when the published figures and the lines
pin it to one value.
"""

from __future__ import annotations

from fractions import Fraction

from reports.publication import _lines, _months_of


def worked_out(cells: dict, lines) -> set:
    hidden = [key for key, cell in cells.items() if cell.hidden]
    column = {key: i for i, key in enumerate(hidden)}
    matrix = []
    for parts, total in lines:
        row = [Fraction(0)] * len(hidden)
        for key in parts:
            if key in column:
                row[column[key]] += 1
        if total in column:
            row[column[total]] -= 1
        if any(row):
            matrix.append(row)
    pivots = []
    r = 0
    for c in range(len(hidden)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        scale = matrix[r][c]
        matrix[r] = [v / scale for v in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                factor = matrix[i][c]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append((c, r))
        r += 1
    return {hidden[c] for c, row in pivots if sum(1 for v in matrix[row] if v != 0) == 1}


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
