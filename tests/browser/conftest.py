"""Headless Debian Chromium driven by Playwright's sync API against pytest-django's live server.

Playwright's browsers are never downloaded (no ``playwright install``): the system's
``chromium`` is launched. Without it the tests skip on a workstation and fail in CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import require_service
from tests.factories import PASSWORD

# Playwright's sync API keeps an asyncio loop in this thread; Django would otherwise refuse
# ORM calls made by the test (factories, assertions) as "from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
# How long an action or an expectation waits for the page: it ends as soon as the page is
# ready, so a generous figure costs a passing test nothing, and on a busy machine (a load of
# 8 on two cores) a page with its scripts can take several seconds to settle.
TIMEOUT_MS = 60_000
expect.set_options(timeout=30_000)


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """One headless Chromium for the whole browser package (each test gets a fresh context)."""
    executable = shutil.which("chromium")
    require_service(executable is not None, "Chromium (the Debian `chromium` package)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, transactional_db) -> Iterator[Page]:
    """A fresh browser tab (no cookies) whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    # Every browser test also checks that the content security policy blocked nothing.
    blocked = []
    tab.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    yield tab
    context.close()
    assert not blocked, blocked


@pytest.fixture
def sign_in(page) -> Callable:
    """Sign ``user`` in through the login form, as a person would."""

    def sign_in_as(user) -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return sign_in_as
