"""Counts are never negative: an attacker who uses that pins down no small count either.

Found in the second review: in a few random publications the linear audit passed, and yet a
hidden zero next to a small count, with the bound ``x >= 0``, gave the small count back.
"""

from __future__ import annotations

from hypothesis import given, settings

from reports.disclosure import TOTAL
from reports.publication import YEAR, _lines, build

from .attacker import pinned_by_bounds
from .test_publication import COLUMNS, ROWS, K, counts_of, people_of


@given(people_of)
@settings(max_examples=30, deadline=None)
def test_no_small_count_is_pinned_by_the_published_figures_and_non_negativity(people):
    centres = [1, 2]
    publication = build(centres, ROWS, COLUMNS, counts_of(people, centres), K)
    primary = [key for key, cell in publication.cells.items() if cell.primary]
    assert not pinned_by_bounds(publication.cells, _lines(centres, ROWS, COLUMNS), primary)


def test_hidden_zeros_next_to_small_counts_do_not_give_them_away():
    """Eleven people over two centres and a year: found by a random search with the bound
    check switched off, where the linear audit passed and an attacker using ``x >= 0`` pinned
    down some twenty small counts (the second centre's June among them)."""
    people = [
        (0, 4, "b", "north", "f"),
        (0, 6, "a", "south", "none"),
        (0, 11, "a", "south", "m"),
        (0, 11, "b", "north", "f"),
        (1, 1, "a", "south", "none"),
        (1, 1, "b", "north", "m"),
        (1, 3, "a", "south", "none"),
        (1, 6, "b", "south", "none"),
        (1, 10, "b", "north", "m"),
        (1, 11, "a", "south", "none"),
        (1, 12, "b", "north", "m"),
    ]
    centres = [1, 2]
    publication = build(centres, ROWS, COLUMNS, counts_of(people, centres), K)
    primary = [key for key, cell in publication.cells.items() if cell.primary]
    assert (2, 6, TOTAL, TOTAL) in primary
    assert not pinned_by_bounds(publication.cells, _lines(centres, ROWS, COLUMNS), primary)
    assert publication.cell(None, YEAR).value == 11
