"""In a real browser: a centre admin applies the retention period, a counsellor hands a client
their own file."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from casework.models import Role
from clients.models import Case, Client
from config.celery import app
from tests.factories import CentreFactory, UserFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager():
    """The "Run now" task runs in the request (no worker in this test)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_dry_run_then_the_real_run(page: Page, sign_in, eager):
    centre = CentreFactory(code="FOY")
    holder = counsellor(centre, username="holder")
    old = make_case(holder, first_name="Oldname")
    make_case(holder, first_name="Current")
    closed = timezone.now() - timedelta(days=800)
    Case.objects.filter(pk=old.pk).update(
        status="closed", outcome="other", opened_at=closed - timedelta(days=30), closed_at=closed
    )
    sign_in(UserFactory(centre=centre, username="admin1", roles=[Role.CENTRE_ADMIN]))
    page.get_by_role("link", name="Retention").click()
    page.get_by_label("Anonymise a client file").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("The legal minimum here is 12 months.")
    page.get_by_label("Anonymise a client file").fill("24")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Dry run").click()
    expect(page.get_by_role("heading", name=re.compile("Dry run"))).to_be_visible()
    expect(page.get_by_text("Nothing was changed")).to_be_visible()
    expect(page.locator("p.ids").first).to_have_text(str(old.client_id))
    assert Client.objects.get(pk=old.client_id).first_name == "Oldname"

    page.get_by_role("link", name="Retention of data").click()
    page.get_by_role("button", name="Run now").click()  # the box is required: nothing sent
    assert Client.objects.get(pk=old.client_id).first_name == "Oldname"
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Run now").click()
    expect(page.get_by_role("status")).to_contain_text("has started")
    expect(page.get_by_role("row").filter(has_text="done").first).to_be_visible()
    assert Client.objects.get(pk=old.client_id).first_name == ""
    assert Client.objects.exclude(pk=old.client_id).get().first_name == "Current"


def test_a_counsellor_hands_the_client_their_file(page: Page, sign_in):
    holder = counsellor(CentreFactory(code="FOY"), username="holder")
    case = make_case(holder, first_name="Amal", languages=["nl"])
    sign_in(holder)
    page.goto(f"/clients/{case.client_id}/")
    page.get_by_role("link", name="Export for the client").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")  # the client reads Dutch
    expect(page.get_by_role("heading", name="Wat Casework over u bewaart")).to_be_visible()
    expect(page.get_by_text("Amal", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("JSON")).click()
    assert download.value.suggested_filename.endswith("-subject-access.json")
