"""The coordinators' dashboard: what it shows, what it refuses, and what it never prints."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Network, Role
from clients import services
from clients.models import Case
from reports.models import Release
from reports.publication import YEAR as WHOLE_YEAR
from reports.queries import publications
from reports.report import Figure
from reports.tasks import make_releases
from sessions import services as counselling
from sessions.models import Goal
from tests.conftest import moment_on
from tests.factories import UserFactory, make_case

from .conftest import YEAR, at

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("reports_dashboard")


def released(client):
    """``client``, once the nightly job has made the month's releases: the dashboard reads
    them and never makes one (``test_reading_the_dashboard_writes_nothing``)."""
    make_releases()
    return client


def figures(response) -> dict[str, str]:
    return {str(label): str(figure) for label, figure in response.context["key_figures"]}


def export(browser, table, **params):
    response = released(browser).get(reverse("reports_export", kwargs={"table": table}), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_coordinator_reads_the_centres_outcomes(web, coordinator, closed_cases):
    closed_cases(6, month=2, outcome="legal_stay", gender="female", country_of_origin="MA")
    closed_cases(7, month=5, outcome="voluntary_return", gender="male", country_of_origin="GN")
    response = released(web(coordinator)).get(DASHBOARD, {"year": YEAR, "by": "gender"})
    assert response.status_code == 200
    assert figures(response)["Cases closed"] == "13"
    outcomes = response.context["tables"]["outcomes"]
    rows = {row.label: [str(f) for f in row.figures] for row in outcomes.rows}
    assert outcomes.columns[:2] == ["Female", "Male"]
    assert rows["Legal stay obtained"][:2] == ["6", "0"]
    assert rows["Voluntary return completed"][:2] == ["0", "7"]
    assert rows["Total"][-1] == "13"


def test_charts_keep_their_numbers_unlocalised_in_every_language(web, coordinator, closed_cases):
    """SVG wants 12.5, never the French or Dutch 12,5."""
    closed_cases(7, month=2)
    coordinator.language = "fr"
    coordinator.save()
    page = released(web(coordinator)).get(DASHBOARD, {"year": YEAR}).content.decode()
    assert "<svg" in page and "Mois par mois" in page
    assert not re.search(r'(x|y|width|height)="-?[0-9]+,[0-9]', page)


def test_a_small_count_is_never_printed(web, coordinator, closed_cases):
    closed_cases(3, month=2)
    response = released(web(coordinator)).get(DASHBOARD, {"year": YEAR})
    assert figures(response)["Cases closed"] == "x"
    published = [
        figure.value
        for table in response.context["tables"].values()
        for row in table.rows
        for figure in row.figures
        if isinstance(figure, Figure) and not figure.hidden
    ]
    assert published and all(value == 0 or value >= 5 for value in published)


def test_a_lone_quarter_cannot_be_found_from_the_year_and_the_other_quarters(
    web, coordinator, closed_cases
):
    closed_cases(11, month=2)
    closed_cases(1, month=5)
    browser = web(coordinator)
    shown = {
        part: figures(released(browser).get(DASHBOARD, {"year": YEAR, "part": part}))[
            "Cases closed"
        ]
        for part in ("year", "q1", "q2", "q3", "q4")
    }
    assert shown["q2"] == "x"
    assert list(shown.values()).count("x") >= 2, shown


def test_new_clients_and_cases_opened_do_not_give_away_a_returning_client(
    web, coordinator, holder, closed_cases
):
    """Cases opened less new clients counts the clients who came back: one here."""
    closed_cases(6, month=2, opened=at(2, 3))
    returning = closed_cases(1, month=2, opened=at(2, 3))[0]
    again = services.case_open(actor=holder, client=returning.client)
    Case.objects.filter(pk=again.pk).update(opened_at=at(2, 20))
    shown = figures(released(web(coordinator)).get(DASHBOARD, {"year": YEAR, "part": "m02"}))
    assert "x" in (shown["New clients"], shown["Cases opened"]), shown


def test_a_network_coordinator_reads_each_centre_and_the_network(
    web, network_coordinator, closed_cases, second_holder, centre, second_centre
):
    closed_cases(9, month=3)
    closed_cases(1, month=3, by=second_holder)
    browser = web(network_coordinator)
    network = figures(released(browser).get(DASHBOARD, {"year": YEAR}))["Cases closed"]
    first = figures(released(browser).get(DASHBOARD, {"year": YEAR, "centre": centre.code}))
    second = figures(released(browser).get(DASHBOARD, {"year": YEAR, "centre": second_centre.code}))
    assert second["Cases closed"] == "x"
    assert "x" in (network, first["Cases closed"])  # else 10 − 9 gives the lone case away
    table = released(browser).get(DASHBOARD, {"year": YEAR}).context["tables"]["centres"]
    assert [row.label for row in table.rows] == ["Brussels south", "Foyer", "All centres"]


def test_a_centre_coordinator_cannot_choose_another_centre(
    web, coordinator, second_centre, other_centre
):
    browser = web(coordinator)
    for code in (second_centre.code, other_centre.code, "NOPE"):
        assert released(browser).get(DASHBOARD, {"centre": code}).status_code == 404
        url = reverse("reports_export", kwargs={"table": "figures"})
        assert browser.get(url, {"centre": code}).status_code == 404


@pytest.mark.parametrize(
    "params, message",
    [
        ({"year": "1999"}, "Select a valid choice"),
        ({"year": "soon"}, "Select a valid choice"),
        ({"part": "q9"}, "Select a valid choice"),
        ({"by": "name"}, "Select a valid choice"),
        ({"foo": "1"}, "Unknown filters were ignored"),
    ],
)
def test_bad_filters_get_a_message_and_the_defaults(web, coordinator, params, message):
    response = released(web(coordinator)).get(DASHBOARD, params, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["report"].period.year == timezone.localdate().year - (
        1 if timezone.localdate().month == 1 else 0
    )


@pytest.mark.parametrize(
    ("day", "part"),
    [
        ("2027-06-15", "m06"),
        ("2027-04-01", "q2"),
        # On 1 January nothing of the new year has ended: not even its first month, or itself.
        ("2027-01-01", "m01"),
        ("2027-01-01", "year"),
    ],
)
def test_a_period_that_has_not_ended_is_refused(web, coordinator, day, part):
    with time_machine.travel(moment_on(day), tick=True):
        response = released(web(coordinator)).get(DASHBOARD, {"year": 2027, "part": part})
    assert response.status_code == 200
    assert "has not ended yet" in response.content.decode()


def test_the_current_month_is_not_counted(coordinator, holder, centre):
    today = timezone.localdate()
    for _ in range(6):
        case = make_case(holder)
        case.__class__.objects.filter(pk=case.pk).update(
            status="closed", outcome="other", closed_at=timezone.now()
        )
    closings = publications([centre.pk], today.year, today, 5)["closings"]
    assert closings.cell(centre.pk, WHOLE_YEAR).value == 0


def test_a_month_has_no_breakdowns(web, coordinator, closed_cases):
    closed_cases(6, month=2)
    browser = web(coordinator)
    response = released(browser).get(DASHBOARD, {"year": YEAR, "part": "m02"})
    assert figures(response)["Cases closed"] == "6"
    assert "outcomes" not in response.context["tables"]
    url = reverse("reports_export", kwargs={"table": "outcomes"})
    assert released(browser).get(url, {"year": YEAR, "part": "m02"}).status_code == 404


def test_a_typed_centre_name_cannot_become_a_spreadsheet_formula(
    web, network_coordinator, centre, second_centre
):
    centre.name = "=HYPERLINK(1)"
    centre.save()
    rows = export(web(network_coordinator), "centres")
    assert [row[:1] for row in rows if "HYPERLINK" in "".join(row[:1])] == [["'=HYPERLINK(1)"]]


def test_unknown_tables_are_not_found(web, coordinator):
    url = reverse("reports_export", kwargs={"table": "clients"})
    assert released(web(coordinator)).get(url).status_code == 404


def test_the_export_is_the_table_on_the_screen(web, coordinator, closed_cases):
    closed_cases(6, month=2, outcome="legal_stay")
    closed_cases(2, month=2, outcome="other")
    browser = web(coordinator)
    screen = released(browser).get(DASHBOARD, {"year": YEAR}).context["tables"]["outcomes"]
    rows = export(browser, "outcomes", year=YEAR)
    assert rows[1] == [screen.row_header, *screen.columns]
    body = rows[2 : 2 + len(screen.rows)]
    assert body == [[row.label, *(str(f) for f in row.figures)] for row in screen.rows]
    assert "x" in rows[-1][0] and "5" in rows[-1][0]  # the legend


def test_the_threshold_can_be_raised(web, coordinator, closed_cases, settings):
    closed_cases(6, month=2)
    settings.CASEWORK_REPORT_THRESHOLD = 10
    assert figures(released(web(coordinator)).get(DASHBOARD, {"year": YEAR}))["Cases closed"] == "x"


def test_the_threshold_cannot_be_lowered():
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={"CASEWORK_REPORT_THRESHOLD": "3", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "never lowered" in result.stderr


def test_the_median_needs_k_cases(web, coordinator, closed_cases):
    closed_cases(4, month=3, opened=at(1, 1))
    browser = web(coordinator)
    assert released(browser).get(DASHBOARD, {"year": YEAR}).context["median"] is None
    closed_cases(1, month=3, opened=at(1, 1))
    Release.objects.all().delete()  # as if a month had passed: the next release counts it
    median = released(browser).get(DASHBOARD, {"year": YEAR}).context["median"]
    assert median == str(round((at(3, 15) - at(1, 1)).days / 7))  # in whole weeks
    rows = export(browser, "figures", year=YEAR)
    assert ["Median weeks from intake to outcome", median] in rows


def test_rare_regions_are_merged_into_their_continent(web, coordinator, closed_cases):
    closed_cases(6, month=2, country_of_origin="MA")
    closed_cases(2, month=2, country_of_origin="CM")
    closed_cases(1, month=2, country_of_origin="ER")
    response = released(web(coordinator)).get(DASHBOARD, {"year": YEAR, "by": "region"})
    columns = response.context["tables"]["outcomes"].columns
    assert "North Africa" in columns
    assert "Central Africa" not in columns and "East and Southern Africa" not in columns
    assert "Africa, other regions" in columns


def test_rates_hide_with_their_counts(web, coordinator, closed_cases):
    closed_cases(6, month=2)
    table = released(web(coordinator)).get(DASHBOARD, {"year": YEAR}).context["tables"]["referrals"]
    assert all(row.figures[-1] == "–" for row in table.rows)  # no referral: no rate


FREE_TEXT = ["Zorbalinde", "Quixotrane", "+32 470 99 88 77", "secretnote", "hiddenstory"]


def test_no_name_note_or_free_text_reaches_a_coordinator(web, coordinator, holder, closed_cases):
    closed_cases(
        6,
        month=2,
        first_name="Zorbalinde",
        last_name="Quixotrane",
        phone="+32 470 99 88 77",
    )
    counselling.session_record(
        actor=holder,
        case=make_case(holder, first_name="Zorbalinde"),
        data={
            "held_on": at(2).date(),
            "duration_minutes": 30,
            "notes": "secretnote",
            "why_came": "hiddenstory",
        },
    )
    browser = web(coordinator)
    pages = []
    for params in ({"year": YEAR}, {"year": YEAR, "part": "q1", "by": "gender"}):
        response = released(browser).get(DASHBOARD, params)
        pages.append(response.content.decode())
        for slug in response.context["tables"]:
            url = reverse("reports_export", kwargs={"table": slug})
            pages.append(released(browser).get(url, params).content.decode("utf-8-sig"))
    for page in pages:
        for text in FREE_TEXT:
            assert text not in page


def test_the_dashboard_makes_the_same_queries_for_more_data(web, coordinator, closed_cases):
    """Making a month's release and reading it: each a fixed number of queries."""
    browser = web(coordinator)
    closed_cases(2, month=2)
    browser.get(reverse("home"))  # the session and the user's roles, once
    counted = []
    for more in (False, True):
        if more:
            closed_cases(9, month=4, country_of_origin="SN", gender="male")
            closed_cases(7, month=8, outcome="other", country_of_origin="BR")
            Release.objects.all().delete()
        with CaptureQueriesContext(connection) as making:
            make_releases()  # this year's release and last year's, of the one centre
        with CaptureQueriesContext(connection) as reading:
            browser.get(DASHBOARD, {"year": YEAR, "part": "q2"})
        counted.append((len(making), len(reading)))
    assert counted[0] == counted[1]
    assert counted[0][1] < 10 < counted[0][0] < 160


def test_goals_count_by_their_status_at_the_end_of_their_quarter(holder, centre):
    """Goals set in the first quarter count as they stood when it ended: achieved in March
    counts, achieved in May does not; so the quarter's figures never move once it is over."""
    case = make_case(holder)
    goals = [
        counselling.goal_set(
            actor=holder, case=case, data={"category": "training", "description": "d"}
        )
        for _ in range(6)
    ]
    Goal.objects.filter(case=case).update(created_at=at(2))
    history = Goal.history.model.objects
    history.filter(id__in=[g.pk for g in goals]).update(history_date=at(2))
    for goal, when in ((goals[0], at(3)), (goals[1], at(5))):
        counselling.goal_change_status(
            actor=holder, goal=goal, expected_version=goal.version, status="achieved", reason="ok"
        )
        history.filter(id=goal.pk, status="achieved").update(history_date=when)
    training = ("category", "training")

    def count(status, on):
        goals = publications([centre.pk], YEAR, on, 5)["goals"]
        return goals.cell(centre.pk, "Q1", training, ("status", status)).value

    for on in (date(YEAR, 6, 15), date(YEAR + 1, 1, 15)):
        assert (count("open", on), count("achieved", on)) == (5, 1)


def test_a_network_coordinator_chooses_the_centre_on_the_page(
    web, network_coordinator, coordinator, second_centre
):
    assert 'name="centre"' in released(web(network_coordinator)).get(DASHBOARD).content.decode()
    assert 'name="centre"' not in released(web(coordinator)).get(DASHBOARD).content.decode()


def test_age_is_counted_on_the_day_of_intake(web, coordinator, closed_cases):
    """Born 20 December, at intake on 10 January the client is not yet 18."""
    closed_cases(5, month=3, opened=at(1, 10), birth_date=date(YEAR - 18, 12, 20))
    table = released(web(coordinator)).get(DASHBOARD, {"year": YEAR, "by": "age"}).context["tables"]
    total = table["outcomes"].rows[-1]
    by_band = dict(zip(table["outcomes"].columns, (str(f) for f in total.figures), strict=False))
    assert (by_band["Under 18"], by_band["18–25"]) == ("5", "0")


def test_a_coordinator_of_an_empty_network_is_told_so(web, db):
    lonely = UserFactory(
        centre=None, network=Network.objects.create(name="Empty"), roles=[Role.COORDINATOR]
    )
    page = web(lonely).get(reverse("home"))
    assert page.status_code == 200
    assert "of no centre or network yet" in page.content.decode()
    assert DASHBOARD not in page.content.decode()
