"""In a real browser: two-factor sign-in, its set-up, and the idle warning that keeps typed text."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from casework.signin import two_factor
from sessions.models import SessionDraft
from tests.factories import PASSWORD, CentreFactory, counsellor, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_for(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def type_password(page: Page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_code_after_the_password_opens_the_caseload(page: Page):
    holder = counsellor(CentreFactory(code="FOY"), username="holder")
    two_factor.give_demo_authenticator(holder, "3132333435363738393031323334353637383930")
    type_password(page, holder)
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("link", name="My caseload")).to_have_count(0)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    page.get_by_label("Code").fill(code_for(TOTPDevice.objects.get().bin_key))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()


def test_a_new_user_sets_up_the_app_at_first_sign_in(page: Page, settings):
    settings.TWO_FACTOR_REQUIRED = True
    holder = counsellor(CentreFactory(code="FOY"), username="holder")
    type_password(page, holder)
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    qr = page.get_by_role("img", name="QR code with the key for your authenticator app")
    expect(qr).to_be_visible()
    loaded = "i => i.complete ? i.naturalWidth : new Promise(r => i.onload = () => r(i.width))"
    assert qr.evaluate(loaded) > 0  # the SVG loaded, from this server
    # The key as a person would type it into the app from the screen.
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(code_for(base64.b32decode(secret)))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    codes = page.locator("ul.backup-codes code").all_inner_texts()
    assert len(codes) == two_factor.BACKUP_CODE_COUNT
    page.get_by_role("link", name="I have kept them, continue").click()
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()
    # Signed out and in again: a backup code stands in for the phone, once.
    page.get_by_role("button", name="Sign out").click()
    type_password(page, holder)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="My caseload")).to_be_visible()


def test_the_idle_warning_keeps_the_sign_in_or_ends_it_with_the_text_kept(
    page: Page, sign_in, settings
):
    settings.IDLE_TIMEOUT_SECONDS = 12
    settings.IDLE_WARNING_SECONDS = 8
    holder = counsellor(CentreFactory(code="FOY"), username="holder")
    case = make_case(holder)
    sign_in(holder)
    page.goto(f"/cases/{case.pk}/sessions/new/")
    words = "She wants to train as a cook, here or at home."
    page.locator("textarea[name=future]").fill(words)
    expect(page.locator("[data-draft-status]")).to_have_text(re.compile(r"Draft kept at"))

    warning = page.get_by_role("dialog", name="Are you still there?")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text("You will be signed out in 0:0")
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()

    # This time nobody answers: the page goes to the sign-in, which brings it back.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="), timeout=20_000)
    expect(page.get_by_role("status")).to_contain_text("without activity")
    page.get_by_label("Username").fill(holder.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/sessions/new/$"))
    expect(page.locator("textarea[name=future]")).to_have_value(words)
    assert SessionDraft.objects.get().data["future"] == [words]
