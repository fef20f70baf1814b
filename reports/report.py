"""What a coordinator reads: tables cut from a year's protected publications.

A hidden figure is printed the same way whatever the reason it is hidden ("x"): telling a
small count from its protecting partner would help work the small count out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from casework.models import Centre

from . import bins
from .disclosure import TOTAL, Cell
from .periods import Period
from .publication import YEAR, Publication
from .queries import CLOSING_BREAKDOWNS, OPENING_BREAKDOWNS
from .releases import Released

HIDDEN = "x"
MEDIAN_LABEL = _("Median weeks from intake to outcome")
CHOSEN = object()

FIRST_CASE = ("case", "first")
MEASURES = [
    # publication, row, label. New clients are the cases opened that are a client's first:
    # one publication, so that "cases opened" less "new clients" is protected too.
    ("openings", FIRST_CASE, _("New clients")),
    ("openings", TOTAL, _("Cases opened")),
    ("closings", TOTAL, _("Cases closed")),
    ("sessions", TOTAL, _("Sessions held")),
    ("referrals", TOTAL, _("Referrals sent")),
]


@dataclass(frozen=True)
class Figure:
    value: int | None  # None: hidden

    @classmethod
    def of(cls, cell: Cell) -> Figure:
        return cls(None if cell.hidden else cell.value)

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return HIDDEN if self.value is None else number_format(self.value, force_grouping=True)

    @property
    def plain(self) -> str:
        """For a CSV file: no thousands separator, which would make the number text."""
        return HIDDEN if self.value is None else str(self.value)


@dataclass
class Row:
    label: str
    figures: list
    total: bool = False


@dataclass
class Table:
    slug: str
    title: str
    row_header: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)


def rate(parts: list[Figure], whole: list[Figure], k: int) -> str | None:
    """A percentage, only when every count it is made of is published and the whole holds at
    least k people: a rate of hidden counts would give them back."""
    if any(f.hidden for f in (*parts, *whole)):
        return None
    numerator, denominator = sum(f.value for f in parts), sum(f.value for f in whole)
    if denominator < k:
        return None
    return f"{number_format(round(100 * numerator / denominator))} %"


class Report:
    def __init__(
        self,
        scope,
        centre: Centre | None,
        period: Period,
        by: str,
        today: date,
        k: int,
        released: Released,
    ):
        self.scope, self.centre, self.period, self.today, self.k = scope, centre, period, today, k
        self.breakdown = next(b for b in CLOSING_BREAKDOWNS if b.code == by)
        self.released = released
        self.publications = released.publications
        self.node = period.node
        self.months = Period(period.year).ended_months(today)
        self.period_months = period.ended_months(today)

    # -- helpers -----------------------------------------------------------------------------

    def figure(self, name: str, period=None, row=TOTAL, column=TOTAL, centre=CHOSEN) -> Figure:
        """A figure of the chosen period and centre, unless told otherwise (``centre=None``:
        the network)."""
        publication: Publication = self.publications[name]
        if centre is CHOSEN:
            centre = self.centre.pk if self.centre else None
        period = self.node if period is None else period
        return Figure.of(publication.cell(centre, period, row, column))

    @property
    def scope_label(self) -> str:
        return self.centre.name if self.centre else str(self.scope.network)

    @property
    def period_label(self) -> str:
        label = self.period.label()
        if len(self.period_months) < len(self.period.months):
            last = date_format(date(self.period.year, self.period_months[-1], 1), "F")
            label = _("%(period)s, to the end of %(month)s") % {"period": label, "month": last}
        return label

    @property
    def broken_down(self) -> bool:
        """Breakdowns are published for a quarter or a year once it is over."""
        return not self.period.is_month and self.period_months == self.period.months

    # -- key figures ---------------------------------------------------------------------------

    def key_figures(self) -> list[tuple[str, Figure]]:
        return [(label, self.figure(name, row=row)) for name, row, label in MEASURES]

    @property
    def median(self) -> str | None:
        """The median weeks from intake to outcome, as released: only where the number of
        closed cases it is taken from is published and at least k."""
        if not self.broken_down:
            return None
        node = self.publications["closings"].node_of(self.centre.pk if self.centre else None)
        weeks = self.released.medians.get((node, self.node))
        return None if weeks is None else number_format(weeks)

    def _measures(self, **where) -> list[Figure]:
        return [self.figure(name, row=row, **where) for name, row, _label in MEASURES]

    def figures_table(self) -> Table:
        table = Table(
            "figures",
            _("Key figures"),
            _("Measure"),
            [_("Number")],
        )
        for label, figure in self.key_figures():
            table.rows.append(Row(str(label), [figure]))
        if self.broken_down:
            table.rows.append(Row(str(MEDIAN_LABEL), [self.median or HIDDEN]))
        return table

    # -- tables --------------------------------------------------------------------------------

    def trend(self) -> Table:
        table = Table(
            "trend",
            _("Month by month in %(year)s") % {"year": self.period.year},
            _("Month"),
            [str(label) for _name, _row, label in MEASURES],
        )
        for month in self.months:
            label = date_format(date(self.period.year, month, 1), "F")
            table.rows.append(Row(label, self._measures(period=month)))
        table.rows.append(Row(str(self.period.year), self._measures(period=YEAR), total=True))
        return table

    def centres(self) -> Table | None:
        if self.scope.network is None or self.centre is not None:
            return None
        table = Table(
            "centres",
            _("Centre by centre"),
            _("Centre"),
            [str(label) for _name, _row, label in MEASURES],
        )
        for centre in self.scope.centres:
            table.rows.append(Row(centre.name, self._measures(centre=centre.pk)))
        table.rows.append(Row(str(_("All centres")), self._measures(centre=None), total=True))
        return table

    def _cross(self, slug, title, name, rows, row_header, columns, rates=()) -> Table:
        """A rows × columns table of one publication, with totals and rate columns."""
        column_keys = [key for key, _label in columns] + [TOTAL]
        table = Table(
            slug,
            title,
            row_header,
            [str(label) for _key, label in columns]
            + [str(_("Total"))]
            + [str(label) for label, *_rest in rates],
        )
        for key, label in [*rows, (TOTAL, _("Total"))]:
            figures = [self.figure(name, row=key, column=column) for column in column_keys]
            by_key = dict(zip(column_keys, figures, strict=True))
            for _label, parts, whole in rates:
                figures.append(
                    rate([by_key[c] for c in parts], [by_key[c] for c in whole], self.k) or "–"
                )
            table.rows.append(Row(str(label), figures, total=key == TOTAL))
        return table

    def outcomes(self) -> Table:
        breakdown = self.breakdown
        labels = breakdown.labels() | _region_rest_labels()
        partition = next(
            codes
            for name, codes in self.publications["closings"].columns.partitions
            if name == breakdown.code
        )
        return self._cross(
            "outcomes",
            _("How cases ended, by %(breakdown)s") % {"breakdown": breakdown.label.lower()},
            "closings",
            [(("outcome", code), label) for code, label in bins.OUTCOMES],
            _("Outcome"),
            [((breakdown.code, code), labels[code]) for code in partition],
        )

    def openings(self) -> list[Table]:
        tables = []
        publication = self.publications["openings"]
        for breakdown in OPENING_BREAKDOWNS:
            labels = breakdown.labels() | _region_rest_labels()
            partition = dict(publication.columns.partitions)[breakdown.code]
            table = Table(
                f"openings-{breakdown.code}",
                breakdown.label,
                breakdown.label,
                [str(_("Cases opened"))],
            )
            for code in partition:
                table.rows.append(
                    Row(str(labels[code]), [self.figure("openings", column=(breakdown.code, code))])
                )
            table.rows.append(Row(str(_("Total")), [self.figure("openings")], total=True))
            tables.append(table)
        return tables

    def goals(self) -> Table:
        status = "status"
        return self._cross(
            "goals",
            _("Goals set, by what has become of them"),
            "goals",
            [(("category", code), label) for code, label in bins.GOAL_CATEGORIES],
            _("Category"),
            [((status, code), label) for code, label in bins.GOAL_STATUSES],
            rates=[(_("Share achieved"), [(status, "achieved")], [TOTAL])],
        )

    def referrals(self) -> Table:
        s = "status"
        answered = [(s, "accepted"), (s, "completed"), (s, "declined")]
        return self._cross(
            "referrals",
            _("Referrals sent, by type and answer"),
            "referrals",
            [(("type", code), label) for code, label in bins.REFERRAL_TYPES],
            _("Type"),
            [((s, code), label) for code, label, _statuses in bins.REFERRAL_GROUPS],
            rates=[
                (_("Acceptance rate"), [(s, "accepted"), (s, "completed")], answered),
                (_("Completion rate"), [(s, "completed")], [(s, "accepted"), (s, "completed")]),
            ],
        )

    def tables(self) -> dict[str, Table]:
        found = {"figures": self.figures_table(), "trend": self.trend()}
        if centres := self.centres():
            found["centres"] = centres
        if self.broken_down:
            found["outcomes"] = self.outcomes()
            for table in self.openings():
                found[table.slug] = table
            found["goals"] = self.goals()
            found["referrals"] = self.referrals()
        return found


def _region_rest_labels() -> dict[str, str]:
    return {f"rest_{continent}": label for continent, label in bins.CONTINENT_REST.items()}
