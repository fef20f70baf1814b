"""A year's publication: months, quarters, the year, centres and every breakdown protected
together, so that no screen or export can be set against another to find a person."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import TOTAL
from reports.publication import MONTHS, NETWORK, QUARTERS, YEAR, Axis, _lines, build

from .attacker import worked_out, worked_out_over_time

K = 5
ROWS = Axis((("outcome", ("a", "b")),))
COLUMNS = Axis((("region", ("north", "south")), ("gender", ("f", "m", "none"))))


def counts_of(people, centres, rows="outcome"):
    """The finest counts, as the database would give them, for a list of people."""
    counts = Counter()
    for centre, month, row, region, gender in people:
        centre = centres[centre]
        counts[(centre, month, (rows, row), ("region", region))] += 1
        counts[(centre, month, (rows, row), ("gender", gender))] += 1
    return counts


people_of = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(1, 12),
        st.sampled_from("ab"),
        st.sampled_from(["north", "south"]),
        st.sampled_from(["f", "m", "none"]),
    ),
    max_size=40,
)


@given(people_of)
@settings(max_examples=60, deadline=None)
def test_no_published_figure_counts_between_one_and_k_minus_one(people):
    publication = build([1, 2], ROWS, COLUMNS, counts_of(people, [1, 2]), K)
    for key, cell in publication.cells.items():
        if not cell.hidden:
            assert cell.value == 0 or cell.value >= K, key


@given(people_of)
@settings(max_examples=40, deadline=None)
def test_no_hidden_small_count_can_be_worked_out_across_periods_centres_and_breakdowns(people):
    centres = [1, 2]
    publication = build(centres, ROWS, COLUMNS, counts_of(people, centres), K)
    exposed = worked_out(publication.cells, _lines(centres, ROWS, COLUMNS))
    assert not {key for key in exposed if publication.cells[key].primary}


@given(people_of.map(lambda people: [(0, *rest) for _c, *rest in people]))
@settings(max_examples=40, deadline=None)
def test_a_centre_alone_is_protected_the_same_way(people):
    publication = build([7], ROWS, COLUMNS, counts_of(people, [7]), K)
    exposed = worked_out(publication.cells, _lines([7], ROWS, COLUMNS))
    assert not {key for key in exposed if publication.cells[key].primary}


def test_a_year_and_its_quarters_do_not_give_away_a_lone_quarter():
    """Differencing: 11 people in the first quarter, one in the second. Publishing the year
    (12) and the first quarter (11) would give the second away."""
    people = [(0, 2, "a", "north", "f")] * 11 + [(0, 5, "a", "north", "f")]
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K)
    total = {period: publication.cell(1, period) for period in (*QUARTERS, YEAR)}
    assert total["Q2"].primary
    assert sum(cell.hidden for cell in total.values()) >= 2
    assert not worked_out(publication.cells, _lines([1], ROWS, COLUMNS)) & {
        key for key, cell in publication.cells.items() if cell.primary
    }


def test_a_network_and_one_centre_do_not_give_away_the_other_centre():
    people = [(0, 3, "a", "north", "f")] * 9 + [(1, 3, "a", "north", "f")]
    publication = build([1, 2], ROWS, COLUMNS, counts_of(people, [1, 2]), K)
    assert publication.cell(2, YEAR).primary
    assert publication.cell(1, YEAR).hidden or publication.cell(None, YEAR).hidden


def test_two_breakdowns_of_the_same_people_do_not_give_each_other_away():
    """By region the lone man is hidden in a bigger bin; by gender his row must not be
    recoverable from the region table's totals."""
    people = [(0, 4, "a", "north", "f")] * 8 + [(0, 4, "a", "south", "m")]
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K)
    man = publication.cell(1, "Q2", ("outcome", "a"), ("gender", "m"))
    assert man.primary
    assert not worked_out(publication.cells, _lines([1], ROWS, COLUMNS)) & {
        key for key, cell in publication.cells.items() if cell.primary
    }


def test_months_are_published_as_totals_only_and_add_up():
    people = [(0, month, "a", "north", "f") for month in MONTHS for _ in range(5)]
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K)
    assert (1, 1, ("outcome", "a"), TOTAL) not in publication.cells
    assert publication.cell(1, 1).value == 5
    assert publication.cell(1, "Q1").value == 15
    assert publication.cell(1, YEAR).value == 60
    assert not any(cell.hidden for cell in publication.cells.values() if cell.value >= K)


def test_the_network_node_exists_only_with_two_centres_or_more():
    alone = build([1], ROWS, COLUMNS, {}, K)
    together = build([1, 2], ROWS, COLUMNS, {}, K)
    assert not any(key[0] == NETWORK for key in alone.cells)
    assert together.cell(None, YEAR).value == 0


DIGEST = """
import hashlib, random
from reports.publication import Axis, build
from django.conf import settings
settings.configure(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
rng = random.Random(5)
rows = Axis((("outcome", ("a", "b", "c")),))
columns = Axis((("region", ("n", "s", "e")), ("gender", ("f", "m"))))
counts = {}
for _ in range(120):
    key = (rng.choice([1, 2]), rng.randint(1, 12), ("outcome", rng.choice("abc")))
    for partition, codes in columns.partitions:
        column = (partition, rng.choice(codes))
        counts[(*key, column)] = counts.get((*key, column), 0) + 1
cells = build([1, 2], rows, columns, counts, 5).cells
hidden = sorted(repr(key) for key, cell in cells.items() if cell.hidden)
print(hashlib.sha256(repr(hidden).encode()).hexdigest(), len(hidden))
"""


def test_the_same_figures_are_always_hidden_the_same_way():
    """Two renderings that hid different cells would, set side by side, show both: the
    protection must not depend on the process (string hashing is salted per process)."""
    outputs = {
        subprocess.run(
            [sys.executable, "-c", DIGEST],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1, outputs
    assert int(outputs.pop().split()[1]) > 0  # something was hidden: the check means something


@given(people_of)
@settings(max_examples=30, deadline=None)
def test_rows_published_month_by_month_are_protected_too(people):
    rows = Axis((("case", ("a", "b")),), monthly=True)
    publication = build([1, 2], rows, COLUMNS, counts_of(people, [1, 2], rows="case"), K)
    assert publication.cell(1, 3, ("case", "a")) is not None  # months exist by row here
    exposed = worked_out(publication.cells, _lines([1, 2], rows, COLUMNS))
    assert not {key for key in exposed if publication.cells[key].primary}


def test_who_asks_does_not_change_what_is_hidden():
    """A network coordinator lists centres by name, a centre coordinator by id: the same
    figures must be hidden the same way, or their two screens together give a count away."""
    people = [
        (i % 2, 1 + i % 12, "ab"[i % 3 % 2], ["north", "south"][i % 5 % 2], "f") for i in range(23)
    ]
    one = build([1, 2], ROWS, COLUMNS, counts_of(people, [1, 2]), K)
    other = build([2, 1], ROWS, COLUMNS, counts_of(people, [1, 2]), K)
    assert one.cells == other.cells


def test_a_count_pinned_down_by_several_lines_is_hidden_further():
    """Found in review: centre 1's outcome b from the north, 1 person, was pinned down."""
    rows = Axis((("outcome", ("a", "b", "c")),))
    columns = Axis((("region", ("n", "s")), ("gender", ("f", "m"))))
    people = [
        (1, 1, "b", "s", "f"), (1, 1, "c", "n", "f"), (1, 4, "b", "s", "f"),
        (1, 7, "a", "n", "m"), (1, 9, "b", "s", "f"), (1, 10, "b", "n", "m"),
        (2, 4, "b", "s", "f"), (2, 7, "a", "n", "m"), (2, 7, "c", "n", "f"),
        (2, 10, "b", "s", "f"),
    ]  # fmt: skip
    counts = Counter()
    for centre, month, outcome, region, gender in people:
        counts[(centre, month, ("outcome", outcome), ("region", region))] += 1
        counts[(centre, month, ("outcome", outcome), ("gender", gender))] += 1
    for order in ([2, 1], [1, 2]):
        publication = build(order, rows, columns, counts, K)
        exposed = worked_out(publication.cells, _lines(sorted(order), rows, columns))
        assert not {key for key in exposed if publication.cells[key].primary}


def test_months_not_begun_are_known_zeros_and_never_a_partner():
    """In March, February's lone case must not hide behind April–December: everyone knows
    they hold nobody yet. January (or the quarter) has to go instead."""
    people = [(0, 1, "a", "north", "f")] * 12 + [(0, 2, "a", "north", "f")]
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=2)
    assert publication.cell(1, 2).primary
    exposed = worked_out(publication.cells, _lines([1], ROWS, COLUMNS))
    assert not {key for key in exposed if publication.cells[key].primary}
    not_begun = [key for key in publication.cells if key[1] in (*MONTHS[2:], "Q2", "Q3", "Q4")]
    assert not_begun and not any(publication.cells[key].hidden for key in not_begun)


def test_what_was_published_before_stays_known():
    """January's 12 were published last month; this month they cannot hide February's 1."""
    people = [(0, 1, "a", "north", "f")] * 12 + [(0, 2, "a", "north", "f")] * 6
    earlier = build([1], ROWS, COLUMNS, counts_of(people[:12], [1]), K, last_month=1)
    known = {(key, 1): cell.value for key, cell in earlier.cells.items() if not cell.hidden}
    people.append((0, 2, "b", "south", "m"))
    now = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=2, known=known)
    lone = (1, "Q1", ("outcome", "b"), ("gender", "m"))
    assert now.cells[lone].primary
    exposed = worked_out_over_time([(earlier, 1), (now, 2)])
    assert not {key for key in exposed if now.cells[key].primary}


def test_a_running_total_seen_last_month_is_linked_to_its_months():
    """Last month the year so far (January, February) was 13; its months are frozen, so that
    figure is January plus February for good: this month may not hide February behind the
    year alone."""
    people = [(0, 1, "a", "north", "f")] * 10 + [(0, 2, "a", "north", "f")] * 3
    earlier = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=2)
    assert not earlier.cell(1, YEAR).hidden and earlier.cell(1, 2).hidden
    known = {(key, 2): cell.value for key, cell in earlier.cells.items() if not cell.hidden}
    people += [(0, 3, "a", "north", "f")] * 9
    now = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=3, known=known)
    assert now.cell(1, 2).hidden
    exposed = worked_out_over_time([(earlier, 2), (now, 3)])
    assert not {key for key in exposed if now.cells[key].primary}


def test_a_running_quarter_is_not_broken_down():
    """Found in review: February's Q1 by outcome, then March's, differ by March's breakdown."""
    people = [(0, 1, "a", "north", "f")] * 10 + [(0, 2, "b", "south", "m")] * 6
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=2)
    assert not publication.cell(1, "Q1").hidden  # the running quarter's total: the months'
    for key, cell in publication.cells.items():
        if key[1] in ("Q1", YEAR) and (key[2], key[3]) != (TOTAL, TOTAL):
            assert cell.hidden, key
    ended = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=3)
    assert ended.cell(1, "Q1", ("outcome", "a")).value == 10
    assert not ended.cell(1, "Q1", ("outcome", "a")).hidden


def test_a_small_count_in_a_running_breakdown_leaves_the_year_so_far_published():
    """Seen on the demo on 1 February: one January case of a rare outcome hid January's total,
    the quarter's and the year's. Its breakdown is withheld whole while the quarter runs, so
    its bins hide each other: the totals need not go too."""
    people = [(0, 1, "a", "north", "f")] * 12 + [(0, 1, "b", "south", "m")]
    publication = build([1], ROWS, COLUMNS, counts_of(people, [1]), K, last_month=1)
    assert publication.cell(1, "Q1", ("outcome", "b")).primary
    for period in (1, "Q1", YEAR):
        assert not publication.cell(1, period).hidden, period
        assert publication.cell(1, period).value == 13


@given(people_of, people_of)
@settings(max_examples=40, deadline=None)
def test_what_a_running_breakdown_left_published_gives_nothing_away_later(january, spring):
    """The totals published while a breakdown was withheld, set against the next release."""
    january = [(centre, 1, *rest) for centre, _month, *rest in january]
    spring = [(centre, 2 + month % 3, *rest) for centre, month, *rest in spring]
    centres = [1, 2]
    earlier = build(centres, ROWS, COLUMNS, counts_of(january, centres), K, last_month=1)
    known = {(key, 1): cell.value for key, cell in earlier.cells.items() if not cell.hidden}
    now = build(
        centres, ROWS, COLUMNS, counts_of(january + spring, centres), K, last_month=4, known=known
    )
    exposed = worked_out_over_time([(earlier, 1), (now, 4)])
    assert not {key for key in exposed if now.cells[key].primary}
