"""The idle timeout of a sign-in: signed out after a while without activity, warned before."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from casework.signin import idle

pytestmark = pytest.mark.django_db


def idle_for(browser, seconds: int) -> None:
    session = browser.session
    session[idle.SESSION_KEY] = int(time.time()) - seconds
    session.save()


def test_after_the_timeout_the_next_page_signs_out_and_comes_back_after_sign_in(
    web, holder, settings, caplog
):
    settings.IDLE_TIMEOUT_SECONDS = 30 * 60
    browser = web(holder)
    assert browser.get(reverse("caseload")).status_code == 200
    idle_for(browser, 31 * 60)
    caplog.set_level(logging.INFO, logger="casework.security")
    response = browser.get(reverse("caseload") + "?page=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fcaseload%2F%3Fpage%3D2"
    assert "_auth_user_id" not in browser.session
    assert f"Signed out after 30 idle minutes: user {holder.pk}" in caplog.text
    page = browser.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_a_form_sent_after_the_timeout_changes_nothing(web, holder, case, settings):
    browser = web(holder)
    idle_for(browser, settings.IDLE_TIMEOUT_SECONDS + 1)
    url = reverse("client_edit", args=[case.client_id])
    response = browser.post(url, {"first_name": "Changed"}, HTTP_REFERER=f"http://testserver{url}")
    # Back to the form's page after the sign-in, not to a POST-only address.
    assert response["Location"] == f"{reverse('login')}?{urlencode({'next': url})}"
    elsewhere = web(holder)
    idle_for(elsewhere, settings.IDLE_TIMEOUT_SECONDS + 1)
    response = elsewhere.post(reverse("logout"), HTTP_REFERER="https://evil.example/x")
    assert response["Location"] == f"{reverse('login')}?next=%2F"
    case.client.refresh_from_db()
    assert case.client.first_name == "Amal"


def test_activity_keeps_the_sign_in_and_is_written_at_most_once_a_minute(web, holder):
    browser = web(holder)
    idle_for(browser, 20 * 60)
    browser.get(reverse("caseload"))
    seen = browser.session[idle.SESSION_KEY]
    assert time.time() - seen < 5
    idle_for(browser, 10)
    before = browser.session[idle.SESSION_KEY]
    browser.get(reverse("caseload"))
    assert browser.session[idle.SESSION_KEY] == before  # no session write for this page


def test_asking_how_long_is_left_is_not_activity_but_saying_so_is(web, holder, settings):
    browser = web(holder)
    idle_for(browser, settings.IDLE_TIMEOUT_SECONDS - 100)
    asked = browser.get(reverse("idle_status"), HTTP_ACCEPT="application/json").json()
    assert 95 <= asked["remaining"] <= 100
    again = browser.get(reverse("idle_status"), HTTP_ACCEPT="application/json").json()
    assert again["remaining"] <= asked["remaining"]
    kept = browser.post(reverse("idle_status"), HTTP_ACCEPT="application/json").json()
    assert kept["remaining"] >= settings.IDLE_TIMEOUT_SECONDS - 5


def test_once_timed_out_the_script_is_told_so(web, holder, settings):
    browser = web(holder)
    idle_for(browser, settings.IDLE_TIMEOUT_SECONDS + 5)
    response = browser.get(reverse("idle_status"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json() == {"remaining": 0}
    assert "_auth_user_id" not in browser.session


def test_zero_turns_the_timeout_off(web, holder, settings):
    settings.IDLE_TIMEOUT_SECONDS = 0
    browser = web(holder)
    idle_for(browser, 10 * 24 * 3600)
    response = browser.get(reverse("caseload"))
    assert response.status_code == 200
    assert "data-idle-timeout" not in response.content.decode()


def test_signed_in_pages_carry_the_warning_and_anonymous_ones_do_not(web, holder, settings):
    settings.IDLE_WARNING_SECONDS = 90
    html = web(holder).get(reverse("caseload")).content.decode()
    assert f'data-idle-timeout="{settings.IDLE_TIMEOUT_SECONDS}"' in html
    assert 'data-idle-warning="90"' in html
    assert 'id="idle-warning"' in html
    assert "data-idle-timeout" not in web().get(reverse("login")).content.decode()
