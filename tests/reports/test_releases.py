"""Releases: a month's figures are frozen, and the next month's are protected knowing them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Case
from referrals.models import Referral
from reports.disclosure import TOTAL
from reports.models import Release
from reports.periods import cutoff
from reports.publication import YEAR
from reports.queries import publications
from reports.releases import _known, release_for
from reports.scope import coordinator_scope
from reports.tasks import make_releases
from sessions import services as counselling
from tests.factories import CentreFactory, make_case
from tests.referrals.conftest import make_partner, refer

from .attacker import worked_out_over_time
from .conftest import YEAR as YEAR_ENDED

pytestmark = pytest.mark.django_db

# Any ended year will do: a release is made as if "today" were in it.
THIS_YEAR = YEAR_ENDED


def close(holder, n, month, **client):
    cases = [make_case(holder, **client) for _ in range(n)]
    moment = timezone.make_aware(datetime(THIS_YEAR, month, 10, 11))
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        status="closed", outcome="legal_stay", opened_at=moment, closed_at=moment
    )


def test_a_release_is_frozen_for_the_month_and_its_months_for_good(coordinator, holder):
    scope = coordinator_scope(coordinator, THIS_YEAR)
    close(holder, 6, 1)
    in_february = date(THIS_YEAR, 2, 15)
    first = release_for(scope, THIS_YEAR, in_february, 5).publications["closings"]
    close(holder, 6, 1)  # a late correction during February
    again = release_for(scope, THIS_YEAR, in_february, 5).publications["closings"]
    assert first.cell(None, YEAR).value == again.cell(None, YEAR).value == 6
    close(holder, 7, 2)
    in_march = release_for(scope, THIS_YEAR, date(THIS_YEAR, 3, 15), 5).publications["closings"]
    # January was released as 6: the late ones never move it (6 − 12 would point at them).
    assert in_march.cell(None, 1).value == 6
    assert in_march.cell(None, 2).value == 7
    assert in_march.cell(None, YEAR).value == 13
    assert Release.objects.count() == 2


def test_no_release_holds_a_hidden_figure(coordinator, holder):
    scope = coordinator_scope(coordinator, THIS_YEAR)
    close(holder, 3, 1)
    release_for(scope, THIS_YEAR, date(THIS_YEAR, 2, 15), 5)
    for dumped in Release.objects.get().figures.values():
        assert all(value == 0 or value >= 5 for *_key, value in dumped["cells"])


def test_last_months_figures_do_not_give_away_this_months_lone_case(coordinator, holder):
    """Found in review: in February the year so far is January's 12; in March it is 13, so
    February held one person, unless March's release knows what February's showed."""
    scope = coordinator_scope(coordinator, THIS_YEAR)
    close(holder, 12, 1, gender="female")
    close(holder, 1, 2, gender="male")
    february, march = date(THIS_YEAR, 2, 15), date(THIS_YEAR, 3, 15)
    seen = release_for(scope, THIS_YEAR, february, 5).publications  # what readers know now
    released = release_for(scope, THIS_YEAR, march, 5).publications

    known = _known(scope, THIS_YEAR, cutoff(march).date())
    truth = publications(scope.unit, THIS_YEAR, march, 5, known=known)
    for name, publication in truth.items():
        for key, cell in publication.cells.items():  # the release is this computation
            assert (released[name].cells.get(key) is not None) == (not cell.hidden)
        exposed = worked_out_over_time([(seen[name], 1), (publication, 2)])
        assert not {k for k in exposed if publication.cells[k].primary}, name
    closings = truth["closings"]
    assert closings.cell(None, 2).primary
    assert closings.cell(None, 1, TOTAL, TOTAL).value == 12


def test_the_night_task_makes_every_release_once(coordinator, holder, other_centre):
    lone = CentreFactory(code="SOLO", name="Alone", network=None)
    close(holder, 6, 1)
    assert make_releases() == 6  # two networks and a lone centre, this year and last
    assert make_releases() == 6
    assert Release.objects.count() == 6
    assert set(Release.objects.values_list("unit", flat=True)) == {
        f"network:{holder.centre.network_id}",
        f"network:{other_centre.network_id}",
        f"centre:{lone.pk}",
    }


def test_five_events_of_one_person_are_one_person(coordinator, holder, network):
    """Five sessions or referrals of one client count five, but stand for one person."""
    health = make_partner(network, "Health centre", "health")
    case = make_case(holder)
    moment = timezone.make_aware(datetime(THIS_YEAR, 3, 10, 11))
    for _ in range(5):
        refer(holder, case, health, type="health")
    Referral.objects.filter(case=case).update(sent_at=moment)
    for day in range(1, 6):
        counselling.session_record(
            actor=holder,
            case=case,
            data={"held_on": date(THIS_YEAR, 3, day), "duration_minutes": 30},
        )
    scope = coordinator_scope(coordinator, THIS_YEAR)
    made = publications(scope.unit, THIS_YEAR, date(THIS_YEAR, 6, 15), 5)
    assert made["referrals"].cell(None, YEAR).value == 5
    assert made["referrals"].cell(None, YEAR).hidden
    assert made["referrals"].cell(None, "Q1", ("type", "health"), ("status", "waiting")).hidden
    assert made["sessions"].cell(None, 3).value == 5
    assert made["sessions"].cell(None, 3).hidden


def test_a_rate_is_not_shown_when_a_count_it_comes_from_is_hidden(
    web, coordinator, holder, network
):
    """Five completed, one declined and two cancelled training referrals: the acceptance rate
    (5 of 6) would give the lone refusal back, so it is not shown; the completion rate (5 of
    5) is."""
    training = make_partner(network, "Training centre", "training_work")
    moment = timezone.make_aware(datetime(THIS_YEAR, 3, 10, 11))
    for status in ["completed"] * 5 + ["declined"] + ["cancelled"] * 2:
        case = make_case(holder)
        refer(holder, case, training, type="training")
        Referral.objects.filter(case=case).update(sent_at=moment, status=status)
    make_releases()  # the nightly job
    page = web(coordinator).get(reverse("reports_dashboard"), {"year": THIS_YEAR})
    table = page.context["tables"]["referrals"]
    row = next(r for r in table.rows if r.label == "Training")
    by_column = dict(zip(table.columns, row.figures, strict=True))
    assert str(by_column["Completed"]) == "5" and str(by_column["Declined"]) == "x"
    assert by_column["Acceptance rate"] == "–"
    assert by_column["Completion rate"] == "100 %"


def test_raising_k_mid_month_keeps_what_was_shown_known(coordinator, holder):
    scope = coordinator_scope(coordinator, THIS_YEAR)
    close(holder, 6, 1)
    in_february = date(THIS_YEAR, 2, 15)
    release_for(scope, THIS_YEAR, in_february, 5)
    known = _known(scope, THIS_YEAR, cutoff(in_february).date())
    assert known["closings"][((coordinator.centre_id, 1, TOTAL, TOTAL), 1)] == 6


def test_a_release_of_an_older_shape_is_made_anew(coordinator, holder, monkeypatch):
    from reports import releases

    scope = coordinator_scope(coordinator, THIS_YEAR)
    close(holder, 6, 1)
    in_february = date(THIS_YEAR, 2, 15)
    release_for(scope, THIS_YEAR, in_february, 5)
    shape = releases.SCHEMA
    monkeypatch.setattr(releases, "SCHEMA", shape + 1)
    release_for(scope, THIS_YEAR, in_february, 5)
    assert sorted(Release.objects.values_list("schema", flat=True)) == [shape, shape + 1]
