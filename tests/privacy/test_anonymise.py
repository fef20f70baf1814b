"""Anonymising a client: nothing planted survives in any table, history included; the facts
the reports count stay."""

from __future__ import annotations

import pytest

from casework.errors import RuleBroken
from clients import services
from clients.models import Case, Client
from privacy.anonymise import anonymise
from sessions.models import Session

from .conftest import BIRTH_DATE, plant, stored_identity, tables_holding

pytestmark = pytest.mark.django_db


def test_no_planted_word_survives_in_any_table(planted, centre_admin):
    before = tables_holding(planted.words)
    # The scan sees the texts first: in the rows, in their history, in the draft; the
    # identity is encrypted, so the application's reading of it is checked instead.
    assert {
        "counselling_historicalsession",
        "counselling_historicalgoal",
        "referrals_historicalreferral",
        "counselling_sessiondraft",
    } <= set(before)
    assert set(planted.texts) == {w for hits in before.values() for w in hits}
    identity = " ".join(stored_identity(planted.client.pk))
    assert all(w in identity for w in planted.identity)

    done = anonymise(planted.client.pk, actor=centre_admin, reason="Anonymised (test)")

    assert tables_holding(planted.words) == {}
    assert not [w for w in planted.identity if w in " ".join(stored_identity(planted.client.pk))]
    assert done.case_ids == [planted.case.pk]
    assert done.rows["clients.Client"] == 1
    assert done.history_rows["clients.Client"] >= 2  # the first version and the edit


def test_the_birth_date_goes_from_every_version(planted, centre_admin):
    history = planted.client.history.model.objects.filter(id=planted.client.pk)
    assert BIRTH_DATE in {version.birth_date for version in history}
    anonymise(planted.client.pk, actor=centre_admin, reason="Anonymised (test)")
    assert {version.birth_date for version in history.all()} == {None}
    assert Client.objects.get().birth_date is None


def test_the_facts_stay_and_the_anonymisation_is_in_the_history(planted, centre_admin):
    case = Case.objects.get()
    anonymise(planted.client.pk, actor=centre_admin, reason="Anonymised (test)")
    client = Client.objects.get()
    facts = (client.gender, client.country_of_origin.code, client.languages)
    assert facts == ("female", "GN", ["fr"])
    assert client.reference == planted.client.reference and client.anonymised_at is not None
    after = Case.objects.get()
    assert (after.status, after.opened_at) == (case.status, case.opened_at)
    session = Session.objects.get()
    assert session.duration_minutes == 50 and session.why_came == ""
    last = client.history.first()
    assert last.history_user == centre_admin
    assert last.history_change_reason == "Anonymised (test)"


def test_a_second_run_does_nothing(planted, centre_admin):
    assert anonymise(planted.client.pk, actor=centre_admin, reason="x") is not None
    versions = Client.history.count()
    assert anonymise(planted.client.pk, actor=centre_admin, reason="x") is None
    assert Client.history.count() == versions


def test_an_anonymised_file_takes_no_new_data(planted, centre_admin, holder, icam_coach):
    """Typed after the anonymisation, it could never be erased: refused everywhere."""
    from referrals import services as referring
    from referrals.models import Referral

    opened = Client.objects.get()
    anonymise(planted.client.pk, actor=centre_admin, reason="x")
    with pytest.raises(RuleBroken, match="anonymised"):
        services.case_open(actor=holder, client=opened)
    with pytest.raises(RuleBroken, match="anonymised"):
        referring.feedback_add(
            actor=icam_coach, referral=Referral.objects.get(), text="Qzvlate", as_sender=False
        )
    with pytest.raises(RuleBroken):
        services.client_update(
            actor=holder,
            client=opened,
            expected_version=opened.version,
            data={"first_name": opened.first_name},
        )
    assert Client.objects.get().first_name == ""


def test_only_that_client_is_touched(planted, holder, icam_coach, desk, centre_admin):
    other = plant(holder, icam_coach, desk, "Wbk")
    anonymise(planted.client.pk, actor=centre_admin, reason="x")
    assert set(other.texts) == {w for hits in tables_holding(other.words).values() for w in hits}
    identity = " ".join(stored_identity(other.client.pk))
    assert all(w in identity for w in other.identity)
