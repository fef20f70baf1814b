"""Disclosure control: random tables, checked against what an attacker can derive."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import TOTAL, _lines, protect

K = 5


@st.composite
def tables(draw, max_rows=3, max_columns=3, max_value=12):
    rows = list(range(draw(st.integers(1, max_rows))))
    columns = list(range(draw(st.integers(1, max_columns))))
    counts = {(r, c): draw(st.integers(0, max_value)) for r in rows for c in columns}
    return counts, rows, columns


def test_a_table_without_small_counts_is_published_whole():
    table = protect({("a", "x"): 7, ("a", "y"): 9, ("b", "x"): 0, ("b", "y"): 12}, "ab", "xy", K)
    assert not any(cell.hidden for cell in table.cells.values())
    assert table.published(TOTAL, TOTAL) == 28
    assert table.published("b", "x") == 0  # zeros single no one out


def test_a_small_count_is_hidden_with_a_partner_in_its_row_and_column():
    table = protect({("a", "x"): 3, ("a", "y"): 9, ("b", "x"): 8, ("b", "y"): 12}, "ab", "xy", K)
    assert table.cell("a", "x").primary
    assert table.published("a", "x") is None
    hidden = {p for p, cell in table.cells.items() if cell.hidden}
    assert len(hidden) >= 4  # the 2×2 block: one hidden cell alone would be a subtraction away


@given(tables())
@settings(max_examples=300, deadline=None)
def test_no_published_count_lies_between_1_and_k_minus_1(table):
    counts, rows, columns = table
    protected = protect(counts, rows, columns, K)
    for position, cell in protected.cells.items():
        if not cell.hidden:
            assert cell.value == 0 or cell.value >= K, position


@given(tables())
@settings(max_examples=300, deadline=None)
def test_no_row_or_column_hides_exactly_one_entry(table):
    counts, rows, columns = table
    protected = protect(counts, rows, columns, K)
    for parts, total in _lines(rows, columns):
        hidden = [p for p in [*parts, total] if protected.cells[p].hidden]
        assert len(hidden) != 1, (parts, total)


def _can_be_other(protected, position, rows, columns) -> bool:
    """Whether the hidden ``position`` could hold another value than its own, given all that
    is published (and the grand total besides): an exhaustive search that stops at the first
    other solution."""
    cells = protected.cells
    bound = cells[(TOTAL, TOTAL)].value
    lines = _lines(rows, columns)
    unknown = [p for p, cell in cells.items() if cell.hidden and p != position]
    assignment: dict = {}

    def value_of(p):
        return assignment.get(p) if cells[p].hidden else cells[p].value

    def consistent() -> bool:
        for parts, total in lines:
            known = [value_of(p) for p in parts]
            total_value = value_of(total)
            partial = sum(v for v in known if v is not None)
            if total_value is not None and partial > total_value:
                return False
            if None not in known and total_value is not None and partial != total_value:
                return False
        return True

    def search(index: int) -> bool:
        if index == len(unknown):
            return True
        for value in range(bound + 1):
            assignment[unknown[index]] = value
            if consistent() and search(index + 1):
                return True
            del assignment[unknown[index]]
        return False

    for other in range(bound + 1):
        if other == cells[position].value:
            continue
        assignment.clear()
        assignment[position] = other
        if consistent() and search(0):
            return True
    return False


@given(tables(max_rows=2, max_columns=3, max_value=7))
@settings(max_examples=100, deadline=None)
def test_no_hidden_small_count_can_be_worked_out(table):
    counts, rows, columns = table
    protected = protect(counts, rows, columns, K)
    for position, cell in protected.cells.items():
        if cell.primary:
            assert _can_be_other(protected, position, rows, columns), position


def test_the_threshold_is_at_least_two():
    with pytest.raises(ValueError):
        protect({}, [1], [1], 1)


def test_every_combination_of_a_tiny_table_is_protected():
    """All 2×2 tables with counts among 0, 1, 3, 4, 6: exhaustive, no randomness."""
    for values in itertools.product((0, 1, 3, 4, 6), repeat=4):
        counts = dict(zip([(0, 0), (0, 1), (1, 0), (1, 1)], values, strict=True))
        protected = protect(counts, [0, 1], [0, 1], K)
        for position, cell in protected.cells.items():
            if cell.primary:
                assert _can_be_other(protected, position, [0, 1], [0, 1]), (values, position)
