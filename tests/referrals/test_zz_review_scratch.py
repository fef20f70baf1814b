import io
import pytest
from django.urls import reverse
from django.utils import timezone
from datetime import timedelta

from referrals import services
from referrals.access import desk_referrals, desks_of
from referrals.importing import partners_import
from referrals.models import Partner, Referral, ReferralStatus

from .conftest import make_partner, refer


def test_partner_query_superscript(web, holder, case, desk):
    client = web(holder)
    client.raise_request_exception = False
    r = client.get(reverse("referral_create", args=[case.pk]), {"partner": "²"})
    print("superscript status", r.status_code)
    assert r.status_code == 500


def test_send_draft_to_inactive_partner_via_status(web, holder, case, lawyer, centre_admin, network):
    draft = refer(holder, case, lawyer, send=False, answer_due=timezone.localdate() + timedelta(days=1))
    services.partner_save(actor=centre_admin, network=network, partner=lawyer, data={"is_active": False})
    r = web(holder).post(reverse("referral_status", args=[case.pk, draft.pk]), {"status": "sent", "version": draft.version})
    draft.refresh_from_db()
    print("status after", draft.status, r.status_code)
    assert draft.status == "sent"


def test_partner_becomes_desk_orphans_referrals(web, holder, case, lawyer, centre_admin, network, icam_coach):
    ref = refer(holder, case, lawyer)
    services.partner_save(actor=centre_admin, network=network, partner=lawyer, data={"domain": "icam_desk"})
    lawyer.refresh_from_db()
    ref.refresh_from_db()
    services.desk_coach_add(actor=centre_admin, desk=lawyer, coach=icam_coach)
    print("answers_in_casework", lawyer.answers_in_casework)
    print("coach sees", list(desk_referrals(icam_coach)))
    print("sender moves", services.allowed_moves(ref, services.SENDER))
    with pytest.raises(Exception) as e:
        services.referral_change_status(actor=holder, referral=ref, to="accepted", version=ref.version, as_sender=True)
    print("sender accept ->", e.value)
    assert not desk_referrals(icam_coach).exists()


def test_import_turns_desk_into_non_desk(holder, case, desk, centre_admin, network, icam_coach):
    ref = refer(holder, case, desk)
    csv = b"name,domain,provinces\nICAM desk Brussels,legal_aid,BRU\n"
    report = partners_import(actor=centre_admin, network=network, data=csv, filename="x.csv")
    print("report", report)
    desk.refresh_from_db()
    print("domain", desk.domain, "group", desk.group_id, "desks_of", list(desks_of(icam_coach)))
    print("coach still sees", list(desk_referrals(icam_coach)))
    assert desk.domain == "legal_aid"


def test_sender_cancel_coach_still_sees(holder, case, desk, icam_coach, referral):
    services.referral_change_status(actor=holder, referral=referral, to="cancelled", version=referral.version, as_sender=True, reason="client changed mind")
    print("coach sees cancelled", list(desk_referrals(icam_coach)))


def test_coach_sets_result_on_decline(web, icam_coach, referral):
    r = web(icam_coach).post(reverse("desk_referral_status", args=[referral.pk]), {"status": "declined", "reason": "no", "result": "stuff", "version": referral.version})
    referral.refresh_from_db()
    print("decline", r.status_code, referral.status, repr(referral.result))


def test_edit_send_field_status(web, holder, case, lawyer):
    draft = refer(holder, case, lawyer, send=False)
    r = web(holder).post(reverse("referral_edit", args=[case.pk, draft.pk]), {
        "partner": lawyer.pk, "type": "icam", "purpose": "x", "consent_fields": ["first_name"],
        "consent_given_on": timezone.localdate().isoformat(), "consent_method": "written", "version": "", "send": "1"})
    print("edit with empty version", r.status_code)


def test_import_demoted_desk_receives_new_legal_referrals(holder, case, desk, centre_admin, network, icam_coach):
    csv = b"name,domain,provinces\nICAM desk Brussels,legal_aid,BRU\n"
    partners_import(actor=centre_admin, network=network, data=csv, filename="x.csv")
    desk.refresh_from_db()
    ref = refer(holder, case, desk, fields=["first_name"], type="regularisation")
    print("new legal-aid referral visible to ICAM coach:", desk_referrals(icam_coach).filter(pk=ref.pk).exists())
    assert desk_referrals(icam_coach).filter(pk=ref.pk).exists()


def test_form_demote_blocked_but_import_not(web, centre_admin, desk):
    r = web(centre_admin).post(reverse("partner_edit", args=[desk.pk]), {"name": desk.name, "domain": "legal_aid", "provinces": ["BRU"], "is_active": "on"})
    print("form demote", r.status_code)
