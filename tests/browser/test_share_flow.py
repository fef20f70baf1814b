"""In a real browser: a counsellor shares a case, the colleague finds it; the page speaks Dutch."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from tests.factories import CentreFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(transactional_db):
    centre = CentreFactory(code="FOY", name="Foyer")
    holder = counsellor(centre, username="holder")
    colleague = counsellor(centre, username="colleague")
    case = make_case(holder, first_name="Amal", country_of_origin="MA", languages=["ar"])
    return holder, colleague, case


def test_share_a_case_and_the_colleague_opens_it(page: Page, sign_in, people):
    holder, colleague, case = people

    sign_in(holder)
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    page.get_by_role("link", name=case.reference, exact=True).click()
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    expect(page.get_by_text("Only you have access to this case.")).to_be_visible()

    page.get_by_label("Colleague").select_option(label=str(colleague))
    page.get_by_label("Access").select_option(label="Read only")
    page.get_by_role("button", name="Share", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text(f"The case is now shared with {colleague}")
    expect(page.get_by_role("listitem").filter(has_text=f"{colleague} — read only")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()

    sign_in(colleague)
    expect(page.get_by_role("heading", name="My caseload", level=1)).to_be_visible()
    link = page.get_by_role("link", name=case.reference, exact=True)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name=f"Case {case.reference}")).to_be_visible()
    expect(page.get_by_text("Shared with you: read only")).to_be_visible()
    # A read-only colleague can neither share nor move the case.
    expect(page.get_by_role("button", name="Share", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Change status")).to_have_count(0)


def test_the_caseload_in_dutch(page: Page, sign_in, people):
    holder, _colleague, case = people
    with translation.override("nl"):
        dutch_heading = gettext("My caseload")

    sign_in(holder)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="NL", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("html[lang=nl]")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(dutch_heading)
    expect(page.get_by_role("button", name="NL", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("link", name=case.reference, exact=True)).to_be_visible()
