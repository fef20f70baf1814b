"""Reading the dashboard never makes a release: a missing one is prepared by a task."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.celery import app as celery_app
from reports.models import Release

from .conftest import YEAR
from .test_dashboard import DASHBOARD, released


def test_reading_the_dashboard_writes_nothing(web, coordinator, closed_cases, monkeypatch):
    """Seen in review: the first reader of the month made the month's release (a GET that
    wrote, and a slow page for whoever came first). Now the page says the figures are being
    prepared, and a POST asks a task for them."""
    closed_cases(6, month=2)
    browser = web(coordinator)
    browser.get(reverse("home"))  # the session and the user's roles
    with CaptureQueriesContext(connection) as reading:
        page = browser.get(DASHBOARD, {"year": YEAR})
    writes = [q["sql"] for q in reading if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert not Release.objects.exists()
    assert page.status_code == 200
    assert "are being prepared" in page.content.decode()
    assert "key_figures" not in page.context

    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    asked = browser.post(reverse("reports_prepare"), {"year": YEAR, "query": f"year={YEAR}"})
    assert asked.status_code == 302 and asked["Location"] == f"{DASHBOARD}?year={YEAR}"
    assert Release.objects.exists()
    figures = released(browser).get(DASHBOARD, {"year": YEAR}).context["key_figures"]
    assert dict((str(label), str(figure)) for label, figure in figures)["Cases closed"] == "6"


def test_a_missing_release_sends_an_export_back_to_the_dashboard(web, coordinator):
    url = reverse("reports_export", kwargs={"table": "figures"})
    response = web(coordinator).get(url, {"year": YEAR})
    assert response.status_code == 302
    assert response["Location"] == f"{DASHBOARD}?year={YEAR}"


WRITES = ("INSERT", "UPDATE", "DELETE")
