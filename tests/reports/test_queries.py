"""The counts behind the publications: in one scan on PostgreSQL (GROUPING SETS), one query
at a time on SQLite, and the same figures either way."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import F
from django.utils import timezone

from reports import events, queries
from reports.disclosure import TOTAL
from reports.publication import NETWORK
from reports.publication import YEAR as WHOLE_YEAR
from sessions import services as counselling
from sessions.models import Goal
from tests.conftest import require_service
from tests.factories import make_case

from .conftest import YEAR


def test_grouping_sets_count_what_one_query_per_breakdown_counts(holder, centre, closed_cases):
    """PostgreSQL counts every breakdown in one scan; the embedded SQLite one at a time."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (GROUPING SETS)")
    closed_cases(3, month=2, gender="female", country_of_origin="MA", birth_date=date(1990, 5, 1))
    closed_cases(2, month=7, outcome="other", residence_situation="dublin")
    today = timezone.localdate()
    closed = queries.closed_in([centre.pk], YEAR, today)
    outcome = ("outcome", F("outcome"))
    breakdowns = queries.CLOSING_BREAKDOWNS
    one_scan = queries._breakdown_counts(
        closed, "closed_at", outcome, breakdowns, grouping_sets=True
    )
    one_each = queries._breakdown_counts(
        closed, "closed_at", outcome, breakdowns, grouping_sets=False
    )
    assert one_scan == one_each
    assert sum(n for key, n in one_scan[0].items() if key[3][0] == "gender") == 5


def test_people_behind_in_one_scan_counts_what_one_query_per_level_counts(
    holder, second_holder, centre, second_centre
):
    """The distinct cases behind event counts: one GROUPING SETS scan on PostgreSQL, one
    GROUP BY per level on SQLite; the same figures at every level, NULL groups included."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (GROUPING SETS)")
    for by, categories in ((holder, ["training", "housing"]), (second_holder, ["training"])):
        for category in categories:
            case = make_case(by)
            for _ in range(2):  # two goals of one case: one person behind them
                counselling.goal_set(
                    actor=by, case=case, data={"category": category, "description": "x"}
                )
    goals = Goal.objects.filter(case__centre_id__in=[centre.pk, second_centre.pk])
    row, column = ("category", F("category")), ("target", F("target_date"))  # target: NULL
    centres = [centre.pk, second_centre.pk]
    args = (goals, centres, "case__centre_id", "created_at", row, column)
    one_scan = events.people_behind(*args, grouping_sets=True)
    one_each = events.people_behind(*args, grouping_sets=False)
    assert one_scan == one_each
    month = timezone.localdate().month
    assert one_scan[(NETWORK, month, TOTAL, TOTAL)] == 3
    assert one_scan[(centre.pk, WHOLE_YEAR, ("category", "training"), ("target", None))] == 1
    assert one_scan[(NETWORK, WHOLE_YEAR, ("category", "training"), TOTAL)] == 2
