"""Lockout after repeated failed sign-ins, and the centre admin's way to lift it."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, CentreFactory, UserFactory

from ..conftest import Browser

pytestmark = pytest.mark.django_db


def sign_in(password: str, username: str = "holder", agent: str = "Firefox"):
    return Browser().post(
        reverse("login"),
        {"username": username, "password": password},
        HTTP_USER_AGENT=agent,
    )


def lock(username: str = "holder") -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(f"wrong-guess-{attempt}", username, agent=f"Agent {attempt}")
        assert response.status_code in (200, 429)


def test_too_many_failed_sign_ins_lock_the_account_even_with_the_right_password(holder):
    lock()
    response = sign_in(PASSWORD, agent="Another browser")
    assert response.status_code == 429
    html = response.content.decode()
    assert "locked after too many failed sign-ins" in html
    assert "30 minutes" in html
    assert "_auth_user_id" not in Browser().session  # nobody signed in


def test_a_few_failures_then_the_right_password_signs_in_and_starts_over(holder):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(f"wrong-{attempt}", agent=f"Agent {attempt}")
    assert sign_in(PASSWORD).status_code == 302
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(f"again-{attempt}", agent=f"Agent {attempt}")
    assert sign_in(PASSWORD).status_code == 302


def test_one_browser_trying_many_accounts_is_stopped(holder, centre):
    for index in range(settings.AXES_FAILURE_LIMIT):
        UserFactory(centre=centre, username=f"someone{index}")
        sign_in("a-guess-of-a-password", f"someone{index}", agent="Scanner")
    assert sign_in(PASSWORD, agent="Scanner").status_code == 429
    assert sign_in(PASSWORD, agent="Firefox").status_code == 302


def test_the_centre_admin_sees_the_lock_and_lifts_it(web, centre_admin, holder, caplog):
    lock()
    url = reverse("centre_user_edit", kwargs={"pk": holder.pk})
    assert "locked after too many failed sign-ins" in web(centre_admin).get(url).content.decode()
    with caplog.at_level(logging.INFO, logger="casework.security"):
        response = web(centre_admin).post(
            reverse("centre_user_unlock", kwargs={"pk": holder.pk}), follow=True
        )
    assert "can sign in again" in response.content.decode()
    assert "locked after" not in response.content.decode()
    assert sign_in(PASSWORD, agent="Another browser").status_code == 302
    [record] = [r for r in caplog.records if r.name == "casework.security"]
    assert str(holder.pk) in record.getMessage() and holder.username not in record.getMessage()


def test_no_one_else_can_lift_a_lock(web, holder, reader):
    lock()
    elsewhere = UserFactory(
        centre=CentreFactory(code="GNT2", name="Elsewhere"), username="otheradmin"
    )
    elsewhere.roles.create(role="centre_admin")
    unlock = reverse("centre_user_unlock", kwargs={"pk": holder.pk})
    assert web(elsewhere).post(unlock).status_code == 404
    assert web(reader).post(unlock).status_code in (403, 404)
    assert sign_in(PASSWORD, agent="Another browser").status_code == 429
