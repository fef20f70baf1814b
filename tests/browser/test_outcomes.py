"""In a real browser: a coordinator reads the centre's outcomes, picks a quarter and a
breakdown, downloads a table as CSV, and finds nobody in it."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import Page, expect

from casework.models import Role
from clients.models import Case
from config.celery import app as celery_app
from tests.factories import CentreFactory, UserFactory, counsellor, make_case
from tests.reports.conftest import YEAR, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["Zoubida", "Ferhat"]


@pytest.fixture
def coordinator(transactional_db):
    centre = CentreFactory(code="FOY", name="Foyer")
    holder = counsellor(centre)
    for index in range(12):
        case = make_case(
            holder,
            first_name=NAMES[index % 2],
            gender="female" if index < 7 else "male",
            country_of_origin="MA",
        )
        Case.objects.filter(pk=case.pk).update(
            status="closed",
            outcome="legal_stay" if index < 6 else "voluntary_return",
            opened_at=at(1, 5),
            closed_at=at(2, 20),
        )
    return UserFactory(centre=centre, username="coordinator", roles=[Role.COORDINATOR])


def test_a_coordinator_reads_filters_and_exports(
    page: Page, sign_in, coordinator, tmp_path, monkeypatch
):
    # The beat has not made this month's release yet: the page says so and offers to.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the worker, at once
    sign_in(coordinator)
    expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
    expect(page.get_by_role("heading", name="are being prepared")).to_be_visible()
    page.get_by_role("button", name="Prepare the figures now").click()
    expect(page.locator(".messages")).to_contain_text("The figures are being prepared")
    expect(page.locator(".key-figures")).to_be_visible()
    page.get_by_label("Year").select_option(str(YEAR))
    page.get_by_label("Period").select_option("q1")
    page.get_by_label("Break down by").select_option("gender")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Outcomes")).to_contain_text(f"Q1 {YEAR}")
    closed = page.locator(".key-figures div").filter(has_text="Cases closed")
    expect(closed.locator("dd")).to_have_text("12")
    table = page.locator("#table-outcomes")
    expect(table.get_by_role("columnheader", name="Female")).to_be_visible()
    legal_stay = table.get_by_role("row").filter(has_text="Legal stay obtained")
    expect(legal_stay.get_by_role("cell").last).to_have_text("6")
    expect(page.get_by_role("img", name="Each outcome's share")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="How cases ended, by gender").click()
    path = tmp_path / "outcomes.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert rows[1][:3] == ["Outcome", "Female", "Male"]
    text = path.read_text(encoding="utf-8-sig")
    for name in NAMES:
        assert name not in text
        expect(page.locator("body")).not_to_contain_text(name)
