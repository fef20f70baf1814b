"""Two-factor sign-in: enrolment, codes, backup codes, replays, throttling, the admin's reset."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import BackupCode, User
from casework.signin import two_factor
from tests.factories import PASSWORD, UserFactory

from ..conftest import Browser

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice, steps_ago: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() - steps_ago * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(user) -> Browser:
    browser = Browser()
    response = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def forgive(device: TOTPDevice) -> None:
    """Let the next code be tried now (wrong codes slow the following try)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


@pytest.fixture
def with_app(holder):
    two_factor.give_demo_authenticator(holder, "3132333435363738393031323334353637383930")
    return TOTPDevice.objects.get(user=holder)


def test_a_password_alone_opens_nothing_while_the_code_is_owed(with_app, holder, case):
    browser = sign_in(holder)
    for page in (
        reverse("caseload"),
        reverse("client_file", args=[case.client_id]),
        reverse("admin:index"),
    ):
        response = browser.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify") + "?next=")
    form = browser.get(reverse("two_factor_verify"))
    assert form.status_code == 200
    assert reverse("caseload") not in form.content.decode()  # no navigation yet
    # Nor may the password replace the app with one of the attacker's.
    assert browser.get(reverse("two_factor_setup")).status_code == 302
    assert browser.get(reverse("two_factor_qr")).status_code == 404
    assert TOTPDevice.objects.filter(user=holder).count() == 1


def test_the_right_code_opens_the_page_asked_for_with_a_new_session_id(with_app, holder):
    browser = sign_in(holder)
    before = browser.cookies["sessionid"].value
    target = reverse("caseload")
    response = browser.post(
        f"{reverse('two_factor_verify')}?next={target}", {"code": code_of(with_app), "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == target
    assert browser.cookies["sessionid"].value != before
    assert browser.get(target).status_code == 200


def test_a_wrong_code_is_refused_logged_and_slows_the_next_try(with_app, holder, caplog):
    browser = sign_in(holder)
    caplog.set_level(logging.INFO, logger="casework.security")
    response = browser.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert f"Two-factor code refused (wrong): user {holder.pk}" in caplog.text
    assert "000000" not in caplog.text
    # Straight after, even the right code waits: guessing a million codes is no option.
    response = browser.post(reverse("two_factor_verify"), {"code": code_of(with_app)})
    assert "Wait" in response.content.decode()
    assert browser.get(reverse("caseload")).status_code == 302
    forgive(with_app)
    assert (
        browser.post(reverse("two_factor_verify"), {"code": code_of(with_app)}).status_code == 302
    )


def test_a_code_is_good_once(with_app, holder, caplog):
    code = code_of(with_app)
    assert sign_in(holder).post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    caplog.set_level(logging.INFO, logger="casework.security")
    thief = sign_in(holder)
    response = thief.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "used already" in response.content.decode()
    assert "(replayed)" in caplog.text
    assert thief.get(reverse("caseload")).status_code == 302


@pytest.mark.parametrize("code", ["", "12", "1234567", "abc def", "x" * 40, "١٢٣٤٥٦"])
def test_malformed_codes_get_an_answer_not_an_error(with_app, holder, code):
    browser = sign_in(holder)
    response = browser.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert browser.get(reverse("caseload")).status_code == 302


def test_enrolment_is_required_at_first_sign_in_in_production(settings, holder):
    settings.TWO_FACTOR_REQUIRED = True
    browser = sign_in(holder)
    response = browser.get(reverse("caseload"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
    page = browser.get(reverse("two_factor_setup")).content.decode()
    device = TOTPDevice.objects.get(user=holder, confirmed=False)
    assert " ".join(page.split()).count("Set up two-factor sign-in") >= 1
    qr = browser.get(reverse("two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")
    # A wrong code leaves the app unconfirmed.
    refused = browser.post(reverse("two_factor_setup"), {"code": "123456"})
    assert "not right" in refused.content.decode()
    assert browser.get(reverse("caseload")).status_code == 302
    forgive(device)
    done = browser.post(reverse("two_factor_setup"), {"code": code_of(device), "next": "/"})
    codes_page = done.content.decode()
    assert BackupCode.objects.filter(user=holder).count() == two_factor.BACKUP_CODE_COUNT
    assert codes_page.count("<li><code>") == two_factor.BACKUP_CODE_COUNT
    # Shown in that answer only: nothing of them is kept in the session.
    codes = [c.split("</code>")[0] for c in codes_page.split("<li><code>")[1:]]
    assert not any(c in str(dict(browser.session)) for c in codes)
    assert browser.get(reverse("caseload")).status_code == 200
    # The next sign-in asks for the code.
    assert (
        sign_in(holder)
        .get(reverse("caseload"))["Location"]
        .startswith(reverse("two_factor_verify"))
    )


def test_a_backup_code_signs_in_once_and_is_stored_as_a_digest(with_app, holder):
    codes = two_factor.new_backup_codes(holder)
    stored = list(BackupCode.objects.filter(user=holder).values_list("digest", flat=True))
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)
    first = sign_in(holder)
    typed = codes[3].upper().replace("-", " ")  # as read aloud or copied from paper
    assert first.post(reverse("two_factor_verify"), {"code": typed}).status_code == 302
    assert first.get(reverse("caseload")).status_code == 200
    again = sign_in(holder)
    assert again.post(reverse("two_factor_verify"), {"code": codes[3]}).status_code == 200
    assert two_factor.unused_backup_codes(holder) == two_factor.BACKUP_CODE_COUNT - 1


def test_another_users_backup_code_does_not_open_this_account(with_app, holder, reader):
    two_factor.give_demo_authenticator(reader, "3132333435363738393031323334353637383930")
    codes = two_factor.new_backup_codes(reader)
    browser = sign_in(holder)
    assert browser.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 200


def test_in_the_demo_two_factor_is_optional_and_can_be_turned_on_and_off(web, holder):
    browser = sign_in(holder)
    assert browser.get(reverse("caseload")).status_code == 200
    manage = browser.get(reverse("two_factor_manage")).content.decode()
    assert "Off: your password alone signs you in" in manage
    browser.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=holder, confirmed=False)
    shown = browser.post(reverse("two_factor_setup"), {"code": code_of(device)})
    assert shown.content.decode().count("<li><code>") == two_factor.BACKUP_CODE_COUNT
    assert "unused backup codes" in browser.get(reverse("two_factor_manage")).content.decode()
    browser.post(reverse("two_factor_turn_off"))
    assert not TOTPDevice.objects.filter(user=holder).exists()
    assert not BackupCode.objects.filter(user=holder).exists()


def test_it_cannot_be_turned_off_where_it_is_required(settings, with_app, holder):
    browser = sign_in(holder)
    browser.post(reverse("two_factor_verify"), {"code": code_of(with_app)})
    settings.TWO_FACTOR_REQUIRED = True
    browser.post(reverse("two_factor_turn_off"))
    assert TOTPDevice.objects.filter(user=holder).exists()


def test_new_backup_codes_replace_the_old(with_app, holder):
    old = two_factor.new_backup_codes(holder)
    browser = sign_in(holder)
    browser.post(reverse("two_factor_verify"), {"code": code_of(with_app)})
    response = browser.post(reverse("two_factor_new_codes"))
    assert response.content.decode().count("<li><code>") == two_factor.BACKUP_CODE_COUNT
    assert not BackupCode.objects.filter(
        user=holder, digest=two_factor._digest(holder, old[0].replace("-", ""))
    ).exists()


def test_a_session_signed_in_before_the_app_was_set_up_owes_its_code(settings, holder):
    """Someone with the password signs in while the account has no app; its owner then sets
    one up elsewhere. That first session may not replace the owner's app with its own."""
    settings.TWO_FACTOR_REQUIRED = True
    intruder = sign_in(holder)
    assert intruder.get(reverse("caseload"))["Location"].startswith(reverse("two_factor_setup"))
    two_factor.give_demo_authenticator(holder, "3132333435363738393031323334353637383930")
    response = intruder.get(reverse("two_factor_setup"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    assert intruder.get(reverse("two_factor_qr")).status_code == 404
    assert intruder.post(reverse("two_factor_setup"), {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=holder, confirmed=True).count() == 1
    assert intruder.get(reverse("caseload"))["Location"].startswith(reverse("two_factor_verify"))


def test_the_admin_sign_in_page_is_no_way_around_the_code(with_app, holder):
    browser = sign_in(holder)
    response = browser.get(reverse("admin:login"))
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_the_next_address_never_leads_off_site(with_app, holder):
    browser = sign_in(holder)
    response = browser.post(
        reverse("two_factor_verify"),
        {"code": code_of(with_app), "next": "https://elsewhere.example/phish"},
    )
    assert response["Location"] == "/"


def test_the_centre_admin_resets_a_lost_phone(
    web, centre_admin, with_app, holder, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=holder.pk).update(email="holder@example.org")
    admin = web(centre_admin)
    page = admin.get(reverse("centre_user_edit", args=[holder.pk])).content.decode()
    assert "Reset two-factor sign-in" in page
    caplog.set_level(logging.INFO, logger="casework.security")
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("centre_user_reset_two_factor", args=[holder.pk]))
    assert not TOTPDevice.objects.filter(user=holder).exists()
    assert f"reset: user {holder.pk} by user {centre_admin.pk}" in caplog.text
    # The user is told, so that a reset they did not ask for does not go unnoticed.
    assert [m.to for m in mailoutbox] == [["holder@example.org"]]
    assert "two-factor sign-in was reset" in mailoutbox[0].subject


def test_no_one_resets_the_app_of_another_centres_user(web, centre_admin, foreigner, holder):
    two_factor.give_demo_authenticator(foreigner, "3132333435363738393031323334353637383930")
    url = reverse("centre_user_reset_two_factor", args=[foreigner.pk])
    assert web(centre_admin).post(url).status_code == 404
    assert web(holder).post(
        reverse("centre_user_reset_two_factor", args=[holder.pk])
    ).status_code in (
        403,
        404,
    )
    assert TOTPDevice.objects.filter(user=foreigner).exists()


def test_the_reset_command_frees_an_account_no_admin_reaches(with_app, holder, capsys):
    call_command("reset_two_factor", holder.username)
    assert not TOTPDevice.objects.filter(user=holder).exists()
    assert str(holder.pk) in capsys.readouterr().out


def test_a_page_costs_no_query_for_the_second_factor(with_app, holder):
    browser = sign_in(holder)
    browser.post(reverse("two_factor_verify"), {"code": code_of(with_app)})
    with CaptureQueriesContext(connection) as queries:
        browser.get(reverse("caseload"))
    assert not any("otp_totp" in q["sql"] or "backupcode" in q["sql"] for q in queries)


def test_a_forged_session_cookie_is_a_sign_in_page_not_an_error(holder, caplog):
    browser = Browser()
    browser.cookies["sessionid"] = "forged" + "x" * 60
    caplog.set_level(logging.INFO, logger="casework.security")
    response = browser.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "Unknown session cookie (expired or forged): /caseload/" in caplog.text
    assert "forgedxxx" not in caplog.text


def test_an_over_long_request_is_refused_cleanly(holder):
    response = Browser().post(
        reverse("login"), {"username": "x", "password": "y" * (3 * 1024 * 1024)}
    )
    assert response.status_code == 400


def test_demo_accounts_get_the_demo_app_on_request(db):
    user = UserFactory(username="solo")
    two_factor.give_demo_authenticator(user, "3132333435363738393031323334353637383930")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    totp = TOTP(device.bin_key)
    totp.time = 59  # RFC 6238, appendix B: SHA-1 at 59 s gives 94287082 (8 digits)
    assert f"{totp.token():06d}" == "287082"
