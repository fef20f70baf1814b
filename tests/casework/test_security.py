"""Security basics: sessions, CSRF, caching, the admin, and personal data kept out of logs."""

from __future__ import annotations

import logging

from django.test import Client as DjangoClient
from django.urls import reverse

from tests.conftest import CANARIES, CANARY_HANDLER, CanaryHandler
from tests.factories import PASSWORD

from ..conftest import Browser


def test_signing_in_gives_a_new_session_key(holder):
    browser = Browser()
    browser.get(reverse("login"))
    browser.session.save()
    before = browser.cookies.get("sessionid")
    response = browser.post(reverse("login"), {"username": "holder", "password": PASSWORD})
    assert response.status_code == 302
    after = browser.cookies["sessionid"].value
    assert before is None or before.value != after


def test_signing_out_makes_the_old_cookie_useless(holder):
    browser = Browser()
    browser.post(reverse("login"), {"username": "holder", "password": PASSWORD})
    stolen = browser.cookies["sessionid"].value
    browser.post(reverse("logout"))
    thief = DjangoClient()
    thief.cookies["sessionid"] = stolen
    response = thief.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_post_without_csrf_token_is_refused(holder):
    browser = DjangoClient(enforce_csrf_checks=True)
    browser.force_login(holder)
    response = browser.post(reverse("client_create"), {"first_name": "Amal"})
    assert response.status_code == 403


def test_pages_behind_the_login_are_never_cached(web, case):
    response = web(case.assigned_to).get(reverse("case_detail", kwargs={"pk": case.pk}))
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_does_not_leak_whether_a_user_exists(db):
    browser = Browser()
    unknown = browser.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert unknown.status_code == 200
    assert "did not match" in unknown.content.decode()


def test_the_django_admin_is_closed_to_staff_who_are_not_superusers(web, centre_admin):
    from django.contrib.auth.models import Permission

    centre_admin.is_staff = True
    centre_admin.save()
    centre_admin.user_permissions.add(*Permission.objects.all())
    response = web(centre_admin).get("/admin/casework/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_django_admin_registers_no_client_file_or_case(web, superuser):
    from django.contrib import admin

    from clients.models import Case, CaseUserObjectPermission, Client

    for model in (Client, Case, CaseUserObjectPermission):
        assert not admin.site.is_registered(model)
    assert web(superuser).get("/admin/").status_code == 200


def test_signing_in_leaves_no_empty_history_row(holder):
    before = holder.history.count()
    Browser().post(reverse("login"), {"username": "holder", "password": PASSWORD})
    holder.refresh_from_db()
    assert holder.last_login is not None
    assert holder.history.count() == before


def test_the_canary_handler_catches_personal_data_in_a_record():
    """The whole-run log check (conftest) would fail if a planted name reached a log."""
    handler = CanaryHandler()

    def record(message, *args):
        return logging.LogRecord("x", logging.WARNING, __file__, 1, message, args, None)

    handler.emit(record("client %s", CANARIES[0][::-1]))
    assert handler.hits == []
    handler.emit(record("client %s", CANARIES[0]))
    handler.emit(record("no name, but an exception"))
    assert len(handler.hits) == 1


def test_planted_personal_data_goes_through_every_path_without_reaching_a_log(
    web, holder, outsider
):
    """Plant a distinctive name and phone, then drive successes, refusals, errors and 404s.

    The session-wide CANARY_HANDLER checks at the end of the run that no log record of the
    whole test run contains them.
    """
    browser = web(holder)
    browser.post(
        reverse("client_create"),
        {"first_name": CANARIES[0], "last_name": CANARIES[1], "residence_situation": "x"},
    )
    browser.post(
        reverse("client_create"),
        {"first_name": CANARIES[0], "last_name": CANARIES[1], "residence_situation": "dublin"},
    )
    from clients.models import Client

    client = Client.objects.get()  # the first post was refused: one client
    browser.get(reverse("client_file", kwargs={"pk": client.pk}))
    browser.get(reverse("client_history", kwargs={"pk": client.pk}))
    web(outsider).get(reverse("client_file", kwargs={"pk": client.pk}))
    browser.get(f"/clients/{client.pk}/nonexistent/")
    assert CANARY_HANDLER.hits == []
