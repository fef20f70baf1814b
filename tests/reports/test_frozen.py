"""Released months are frozen, and a year keeps its regions and its units' centres.

Found in the second review: a figure seen last month is known for good; were a released month
counted again after a correction, or were the bins or a network's centres to change within the
year, the old figure less the new one would point at the people who changed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Centre
from clients.models import Case, Client
from reports.models import Release
from reports.publication import YEAR as WHOLE_YEAR
from reports.releases import release_for
from reports.scope import coordinator_scope, every_unit, units_of
from sessions import services as counselling
from sessions.models import Session
from tests.conftest import require_service
from tests.factories import CentreFactory, make_case

from .attacker import worked_out_over_time
from .conftest import YEAR, at

pytestmark = pytest.mark.django_db

K = 5


def close(holder, n, month, *, days=30, **client):
    """``n`` cases closed on the 15th of ``month``, opened ``days`` earlier."""
    cases = [make_case(holder, **client) for _ in range(n)]
    closed_at = at(month, 15)
    opened_at = closed_at - timedelta(days=days)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status="closed", outcome="legal_stay", opened_at=opened_at, closed_at=closed_at
    )
    return cases


def released(coordinator, today):
    scope = coordinator_scope(coordinator, YEAR)
    return release_for(scope, YEAR, today, K).publications


def gender(publication, code, period="Q1"):
    return publication.cell(None, period, column=("gender", code))


def test_a_correction_to_a_released_quarter_never_shows(coordinator, holder):
    close(holder, 10, 1, gender="female")
    women = close(holder, 5, 2, gender="female")
    close(holder, 6, 3, gender="male")
    april = released(coordinator, date(YEAR, 4, 15))["closings"]
    assert (gender(april, "female").value, gender(april, "male").value) == (15, 6)
    # A woman's record is put right in April: she was recorded as a man by mistake.
    Client.objects.filter(pk=women[0].client_id).update(gender="male")
    close(holder, 7, 4, gender="female")
    may = released(coordinator, date(YEAR, 5, 15))["closings"]
    assert (gender(may, "female").value, gender(may, "male").value) == (15, 6)
    assert may.cell(None, 4).value == 7
    exposed = worked_out_over_time([(april, 3), (may, 4)])
    assert not exposed


def test_a_session_typed_after_its_month_was_released_is_not_counted_there(coordinator, holder):
    for day in range(1, 7):
        counselling.session_record(
            actor=holder,
            case=make_case(holder),
            data={"held_on": date(YEAR, 1, day), "duration_minutes": 30},
        )
    february = released(coordinator, date(YEAR, 2, 15))["sessions"]
    counselling.session_record(
        actor=holder,
        case=make_case(holder),
        data={"held_on": date(YEAR, 1, 20), "duration_minutes": 30},
    )
    assert Session.objects.count() == 7
    march = released(coordinator, date(YEAR, 3, 15))["sessions"]
    assert february.cell(None, 1).value == march.cell(None, 1).value == 6


def test_the_median_of_a_released_quarter_stays(coordinator, holder):
    close(holder, 6, 2, days=70)
    april = release_for(coordinator_scope(coordinator, YEAR), YEAR, date(YEAR, 4, 15), K)
    assert april.medians == {(coordinator.centre_id, "Q1"): 10}
    Case.objects.update(opened_at=at(1, 1) - timedelta(days=300))  # dates put right
    may = release_for(coordinator_scope(coordinator, YEAR), YEAR, date(YEAR, 5, 15), K)
    assert may.medians == april.medians


def test_a_year_keeps_the_regions_of_its_first_release(coordinator, holder):
    close(holder, 3, 1, country_of_origin="SN")  # West Africa: too few on their own
    close(holder, 6, 1, country_of_origin="MA")
    february = released(coordinator, date(YEAR, 2, 15))["closings"]
    regions = dict(february.columns.partitions)["region"]
    assert "west_africa" not in regions and "rest_africa" in regions
    close(holder, 9, 2, country_of_origin="SN")
    april = released(coordinator, date(YEAR, 4, 15))["closings"]
    assert dict(april.columns.partitions)["region"] == regions
    assert april.cell(None, "Q1", column=("region", "rest_africa")).value == 12


def test_last_years_counts_help_decide_the_regions(coordinator, holder):
    for month in (3, 6, 9):
        close(holder, 3, month, country_of_origin="SN")
    scope = coordinator_scope(coordinator, YEAR - 1)
    Case.objects.update(
        opened_at=timezone.make_aware(timezone.datetime(YEAR - 1, 2, 1)),
        closed_at=timezone.make_aware(timezone.datetime(YEAR - 1, 5, 1)),
    )
    release_for(scope, YEAR - 1, date(YEAR, 2, 15), K)  # last year's, made last January
    close(holder, 2, 1, country_of_origin="SN")
    february = released(coordinator, date(YEAR, 2, 15))["closings"]
    assert "west_africa" in dict(february.columns.partitions)["region"]


def test_a_networks_centres_are_fixed_for_the_year(
    coordinator, network_coordinator, holder, network, centre, second_centre
):
    released(coordinator, date(YEAR, 2, 15))
    label = f"network:{network.pk}"
    assert units_of(YEAR)[label] == sorted([centre.pk, second_centre.pk])
    # The second centre leaves the network, and a new one joins it.
    Centre.objects.filter(pk=second_centre.pk).update(network=None)
    newcomer = CentreFactory(code="NEW", name="Newcomer", network=network)
    units = units_of(YEAR)
    assert units[label] == sorted([centre.pk, second_centre.pk])
    assert units[f"centre:{newcomer.pk}"] == [newcomer.pk]
    assert f"centre:{second_centre.pk}" not in units
    scope = coordinator_scope(network_coordinator, YEAR)
    assert {c.pk for c in scope.centres} == {centre.pk, second_centre.pk}
    assert sorted(s.label for s in every_unit(YEAR)) == sorted([label, f"centre:{newcomer.pk}"])
    # Next year, nothing is released yet: the network as it is now.
    assert units_of(YEAR + 1)[label] == sorted([centre.pk, newcomer.pk])
    release_for(coordinator_scope(coordinator, YEAR), YEAR, date(YEAR, 3, 15), K)
    assert set(Release.objects.values_list("unit", flat=True)) == {label}


def test_every_release_of_a_year_together_gives_nobody_away(coordinator, holder):
    """Month after month, with corrections between the releases: an attacker who sets every
    release of the year side by side works out no small count of the last one."""
    seen = []
    for month, (women, men) in enumerate([(7, 1), (6, 1), (9, 1), (5, 2)], 1):
        close(holder, women, month, gender="female")
        close(holder, men, month, gender="male")
        if month > 1:  # someone's gender put right in a month already released
            first = Client.objects.filter(gender="male").order_by("pk").first()
            Client.objects.filter(pk=first.pk).update(gender="female")
        today = date(YEAR, month + 1, 15)
        seen.append((released(coordinator, today)["closings"], month))
    truth = {
        key: cell
        for key, cell in _protected_now(coordinator, date(YEAR, 5, 15)).cells.items()
        if cell.primary
    }
    assert truth
    assert not set(truth) & worked_out_over_time(seen)


def _protected_now(coordinator, today):
    """The last release's counts, hidden ones included (a release keeps the published ones
    only): every month is in the ledger now, so counting again gives the same values."""
    from reports import releases
    from reports.ledger import ledger_for
    from reports.queries import count

    scope = coordinator_scope(coordinator, YEAR)
    first = Release.objects.filter(unit=scope.label, year=YEAR).order_by("created_at").first()
    made = count(
        scope.unit,
        YEAR,
        today,
        K,
        ledger=ledger_for(scope.unit, YEAR, releases.SCHEMA),
        regions=first.regions,
    )
    return made.publications["closings"]


def test_the_whole_year_is_released_as_its_months_were(coordinator, holder):
    close(holder, 6, 11)
    december = released(coordinator, date(YEAR, 12, 15))["closings"]
    close(holder, 6, 11)  # typed after November was released
    close(holder, 5, 12)
    january = released(coordinator, date(YEAR + 1, 1, 15))["closings"]
    assert december.cell(None, 11).value == january.cell(None, 11).value == 6
    assert january.cell(None, WHOLE_YEAR).value == 11


def test_a_release_is_made_under_the_years_lock_and_read_without_it(coordinator, holder):
    """One release of a year at a time: the next one must find this one's ledger."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (advisory locks)")
    close(holder, 6, 1)
    with CaptureQueriesContext(connection) as making:
        released(coordinator, date(YEAR, 2, 15))
    with CaptureQueriesContext(connection) as reading:
        released(coordinator, date(YEAR, 2, 15))
    assert any("pg_advisory_xact_lock" in q["sql"] for q in making.captured_queries)
    assert not any("pg_advisory_xact_lock" in q["sql"] for q in reading.captured_queries)
