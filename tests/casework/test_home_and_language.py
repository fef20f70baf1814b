from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from casework.models import User, UserRole
from clients.models import Case, CaseStatus, Client
from referrals.access import desk_referrals
from referrals.models import Partner, Referral
from sessions.models import Goal, Session
from tests.factories import UserFactory


def test_coordinators_land_on_the_outcomes(web, coordinator):
    assert web(coordinator).get(reverse("home"))["Location"] == reverse("reports_dashboard")


def test_a_coordinator_of_no_centre_is_told_so(web, db):
    lost = UserFactory(centre=None, roles=["coordinator"])
    page = web(lost).get(reverse("home")).content.decode()
    assert "of no centre or network yet" in page


def test_coaches_land_on_their_desk(web, icam_coach):
    assert web(icam_coach).get(reverse("home"))["Location"] == reverse("desk_home")


def test_the_browser_language_is_the_default(web, db):
    response = web().get(reverse("login"), headers={"accept-language": "fr"})
    assert '<html lang="fr">' in response.content.decode()


def test_the_chosen_language_is_remembered_on_the_account(web, holder):
    browser = web(holder)
    response = browser.post(reverse("language_switch"), {"language": "nl", "next": "/caseload/"})
    assert response["Location"] == "/caseload/"
    assert User.objects.get(pk=holder.pk).language == "nl"
    fresh = web(User.objects.get(pk=holder.pk))
    page = fresh.get(reverse("caseload"), headers={"accept-language": "fr"}).content.decode()
    with translation.override("nl"):
        assert translation.gettext("My caseload") in page


def test_the_language_switch_refuses_a_foreign_redirect(web, holder):
    response = web(holder).post(
        reverse("language_switch"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def _untranslated(po_file: Path) -> list[str]:
    missing = []
    for entry in po_file.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in entry.splitlines() if line and not line.startswith("#~")]
        msgid = "".join(
            line.partition(" ")[2].strip('"') for line in lines if line.startswith("msgid ")
        )
        if not msgid and not any(line.startswith('msgid ""') for line in lines[1:2]):
            continue
        text = entry.split("msgstr", 1)[-1] if "msgstr" in entry else ""
        if "#, fuzzy" in entry or not text.replace('""', "").strip(' "[]0123456789\n'):
            missing.append(msgid or entry[:60])
    return [m for m in missing if m]


def test_every_string_is_translated_into_dutch_and_french():
    for language in ("nl", "fr"):
        po_file = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
        assert _untranslated(po_file) == [], language
        with translation.override(language):
            assert translation.gettext("My caseload") != "My caseload"


def test_demo_data_is_idempotent_and_covers_every_state(db):
    call_command("demo_data")
    counts = (User.objects.count(), Client.objects.count(), Case.objects.count())
    call_command("demo_data")
    assert (User.objects.count(), Client.objects.count(), Case.objects.count()) == counts
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert not Case.history.filter(history_user__isnull=True).exists()
    assert not Client.history.filter(history_user__isnull=True).exists()
    assert not UserRole.history.filter(history_user__isnull=True).exists()
    assert Session.objects.exists() and Goal.objects.exists()
    assert not Session.history.filter(history_user__isnull=True).exists()
    assert not Goal.history.filter(history_user__isnull=True).exists()
    partners = Partner.history.count()
    assert partners and Referral.objects.count() == 2
    call_command("demo_data")
    assert Partner.history.count() == partners
    assert not Partner.history.filter(history_user__isnull=True).exists()
    assert not Referral.history.filter(history_user__isnull=True).exists()
    farid = User.objects.get(username="farid")
    assert desk_referrals(farid).count() == 1


def test_a_language_chosen_before_signing_in_is_kept_after(web, holder):
    from tests.factories import PASSWORD

    browser = web()
    browser.post(reverse("language_switch"), {"language": "fr", "next": "/accounts/login/"})
    browser.post(reverse("login"), {"username": "holder", "password": PASSWORD})
    assert User.objects.get(pk=holder.pk).language == "fr"
    assert '<html lang="fr">' in browser.get(reverse("caseload")).content.decode()


def test_a_refused_form_gets_a_readable_page_in_the_layout(holder):
    from django.test import Client as DjangoClient

    browser = DjangoClient(enforce_csrf_checks=True)
    browser.force_login(holder)
    response = browser.post(reverse("client_create"), {"first_name": "Amal"})
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()
