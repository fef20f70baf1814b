"""Released months are frozen: once a month has been released, its counts are taken from the
release, never counted again.

A figure a coordinator has seen is known for good. Were a released month counted again after a
correction (a birth date or a country put right, a session typed weeks late, a status in the
history edited), the old figure less the new one would point at the records that changed. So
every release keeps, beside what it published, the finest counts it was made from (its
``ledger``: per centre, month, row bin and column bin, nothing about a person), and the next
release of the year takes the months already released from there. Sums of released months are
then the same sums in every later release, and ``publication.build`` can link them to what was
published before (``known``).

Goals and referrals count by their status at the end of the quarter they were set or sent in,
so their months are frozen once their quarter is over, not before: until then only their month
totals are published, which no status change moves.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .models import Release

SETTLED_BY_QUARTER = {"goals", "referrals"}


def key_of(stored: list) -> tuple:
    """A count's key as JSON keeps it (lists) back to the tuple ``build`` works with."""
    return tuple(tuple(part) if isinstance(part, list) else part for part in stored)


def dump(counts: dict[tuple, int]) -> list[list]:
    return [[*key, n] for key, n in counts.items() if n]


@dataclass
class Ledger:
    """The counts of the released months of a year, per publication, and for each centre the
    last month released."""

    counts: dict[str, dict[tuple, int]] = field(default_factory=dict)
    through: dict[int, int] = field(default_factory=dict)

    def last_frozen(self, name: str, centre: int) -> int:
        last = self.through.get(centre, 0)
        return 3 * (last // 3) if name in SETTLED_BY_QUARTER else last

    def apply(self, name: str, counted: dict[tuple, int]) -> dict[tuple, int]:
        """The counts of a publication: as released for the frozen months, as counted now for
        the others. Keys are ``(centre, month, row, column)``."""
        counts = {key: n for key, n in counted.items() if key[1] > self.last_frozen(name, key[0])}
        for key, n in self.counts.get(name, {}).items():
            if key[1] <= self.last_frozen(name, key[0]):
                counts[key] = n
        return counts


def ledger_for(unit: list[int], year: int, schema: int) -> Ledger:
    """The frozen counts of the unit's centres: each centre's from the latest release of the
    year that holds it (of the same shape; an older shape's counts do not fit the bins)."""
    ledger = Ledger(counts=defaultdict(dict))
    releases = (
        Release.objects.filter(year=year, schema=schema)
        .defer("figures")
        .order_by("-month", "-created_at", "-pk")
    )
    for release in releases.iterator(chunk_size=20):
        mine = {c for c in release.centres if c in unit and c not in ledger.through}
        if not mine:
            continue
        for centre in mine:
            ledger.through[centre] = release.last_month
        for name, stored in release.ledger.items():
            for *key, n in stored:
                if key[0] in mine:
                    ledger.counts[name][key_of(key)] = n
        if len(ledger.through) == len(unit):
            break
    ledger.counts = dict(ledger.counts)
    return ledger
