"""In a real browser: text typed in a session form survives a lost login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sessions.models import SessionDraft
from tests.factories import CentreFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_typed_text_comes_back_after_the_login_is_lost(page: Page, sign_in):
    holder = counsellor(CentreFactory(code="FOY"), username="holder")
    case = make_case(holder)
    sign_in(holder)
    page.goto(f"/cases/{case.pk}/sessions/new/")
    words = "She wants to train as a cook, here or at home."
    page.locator("textarea[name=future]").fill(words)
    expect(page.locator("[data-draft-status]")).to_have_text(re.compile(r"Draft kept at"))
    assert SessionDraft.objects.get().data["future"] == [words]

    # The login is lost (timeout): the next autosave fails and the page says so.
    page.context.clear_cookies()
    page.locator("textarea[name=why_came]").fill("To work")
    expect(page.locator("[data-draft-status]")).to_have_text(re.compile(r"could not be kept"))

    sign_in(holder)
    page.goto(f"/cases/{case.pk}/sessions/new/")
    expect(page.locator("textarea[name=future]")).to_have_value(words)
    expect(page.get_by_role("status")).to_contain_text("was restored")
