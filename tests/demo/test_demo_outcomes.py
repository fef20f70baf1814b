from __future__ import annotations

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from casework.models import User
from clients.models import Case, Client
from tests.conftest import moment_on

pytestmark = pytest.mark.django_db

# The days a date bug shows on: a year's first and last, a month's first and last, February's
# end in a leap year, and 1 February, when the default dashboard is January alone.
DAYS = [
    "2027-01-01",
    "2027-01-31",
    "2027-02-01",
    "2028-02-29",
    "2027-03-31",
    "2027-07-01",
    "2026-12-07",  # the day the headline figure was seen hidden
    "2026-12-31",
]


def _headline(web, username: str) -> dict[str, str]:
    response = web(User.objects.get(username=username)).get(reverse("reports_dashboard"))
    assert response.status_code == 200
    return {str(label): str(figure) for label, figure in response.context["key_figures"]}


@pytest.mark.parametrize("day", DAYS)
def test_the_demo_has_a_past_for_the_coordinator_to_read_on_any_day(web, day):
    with time_machine.travel(moment_on(day), tick=False):
        call_command("demo_data", verbosity=0)
        call_command("demo_outcomes")
        # dirk reads his centre, nora her network: every key figure is shown, none hidden.
        for coordinator in ("dirk", "nora"):
            figures = _headline(web, coordinator)
            hidden = {label: figure for label, figure in figures.items() if figure in {"x", "0"}}
            assert not hidden, f"{coordinator} on {day}: {figures}"


def test_the_demo_past_is_made_once_with_its_history(web):
    with time_machine.travel(moment_on("2026-12-07"), tick=False):
        call_command("demo_data", verbosity=0)
        call_command("demo_outcomes")
        made = Case.objects.count()
        call_command("demo_outcomes")
    assert Case.objects.count() == made  # idempotent

    past = Client.objects.filter(reference__contains="-D")
    assert past.count() > 500
    history = Client.history.model.objects.filter(id__in=past.values("pk"))
    assert history.filter(history_type="+").count() == past.count()
    assert not history.filter(history_user__isnull=True).exists()


def test_the_demo_past_ends_with_the_last_month_that_has_ended(web):
    with time_machine.travel(moment_on("2027-03-15"), tick=False):
        call_command("demo_data", verbosity=0)
        call_command("demo_outcomes")
    past = Case.objects.filter(client__reference__contains="-D")
    first = min(past.values_list("opened_at", flat=True))
    last_closed = max(past.exclude(closed_at=None).values_list("closed_at", flat=True))
    assert (first.year, first.month) == (2025, 3)  # 24 months before March 2027
    assert last_closed.date() < moment_on("2027-03-01").date()
