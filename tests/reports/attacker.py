"""An attacker who knows how the figures add up: what can they work out exactly?

An independent solver (dense Gauss-Jordan over the rationals), on purpose not the one in
``reports.disclosure``: a hidden cell is worked out when the published figures and the lines
pin it to one value.
"""

from __future__ import annotations

from fractions import Fraction


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
