"""Referral pages as users use them: the directory, refer with consent, the coach's side."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import AccessLog
from clients import services as cases
from referrals import services
from referrals.models import Partner, Referral, ReferralFeedback, ReferralStatus

from .conftest import make_partner, refer

# Client data the receiver may never read unless consented, each easy to find in a page.
SECRET_CLIENT = {
    "first_name": "Nadira",
    "last_name": "Quetzalwyrm",
    "phone": "+32 470 55 66 77",
    "country_of_origin": "MA",
    "languages": ["ar"],
    "residence_situation": "undocumented",
}


@pytest.fixture
def secret_case(holder):
    return cases.client_create(actor=holder, data=SECRET_CLIENT)[1]


# --- The directory ---------------------------------------------------------------------------
def test_the_directory_filters_by_domain_province_and_language(web, holder, network, desk, lawyer):
    make_partner(network, "Taalhuis Noord", "language_classes", provinces=["VAN"], languages=["nl"])
    make_partner(network, "Old shelter", "shelter", is_active=False)
    browser = web(holder)
    page = browser.get(reverse("partner_list")).content.decode()
    assert "Taalhuis Noord" in page and "Legal aid Brussels" in page
    assert "Old shelter" not in page
    page = browser.get(reverse("partner_list"), {"domain": "legal_aid"}).content.decode()
    assert "Legal aid Brussels" in page and "Taalhuis Noord" not in page
    page = browser.get(reverse("partner_list"), {"province": "VAN"}).content.decode()
    assert "Taalhuis Noord" in page and "Legal aid Brussels" not in page
    page = browser.get(reverse("partner_list"), {"language": "fr"}).content.decode()
    assert "Legal aid Brussels" in page and "ICAM desk Brussels" in page
    assert "Taalhuis Noord" not in page
    page = browser.get(reverse("partner_list"), {"undocumented": "on"}).content.decode()
    assert "Legal aid Brussels" in page and "ICAM desk Brussels" not in page


def test_bad_filters_are_ignored_not_an_error(web, holder, lawyer):
    response = web(holder).get(reverse("partner_list"), {"domain": "nope", "page": "zz"})
    assert response.status_code == 200


def test_another_networks_directory_is_not_shown(web, foreigner, desk, foreign_desk):
    page = web(foreigner).get(reverse("partner_list")).content.decode()
    assert "ICAM desk Liège" in page and "ICAM desk Brussels" not in page
    assert web(foreigner).get(reverse("partner_detail", args=[desk.pk])).status_code == 404


def test_the_directory_costs_the_same_whatever_its_size(web, holder, network):
    browser = web(holder)
    make_partner(network, "P0", "health", languages=["fr"])
    browser.get(reverse("partner_list"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(reverse("partner_list"), {"language": "fr"}).status_code == 200
        return len(queries)

    few = count()
    for n in range(1, 30):
        make_partner(network, f"P{n}", "health", languages=["fr"])
    assert count() == few


def test_a_centre_admin_adds_a_partner_and_a_coach_to_a_desk(web, centre_admin, icam_coach):
    browser = web(centre_admin)
    response = browser.post(
        reverse("partner_create"),
        {
            "name": "ICAM desk Ghent",
            "domain": "icam_desk",
            "provinces": ["VOV"],
            "languages": ["nl", "en"],
            "website": "example.org/icam",
            "is_active": "on",
        },
    )
    partner = Partner.objects.get(name="ICAM desk Ghent")
    assert response["Location"] == reverse("partner_detail", args=[partner.pk])
    assert partner.website == "https://example.org/icam"
    assert partner.group is not None
    browser.post(reverse("desk_coach_add", args=[partner.pk]), {"coach": icam_coach.pk})
    assert icam_coach.groups.filter(pk=partner.group_id).exists()
    page = browser.get(reverse("partner_detail", args=[partner.pk])).content.decode()
    assert str(icam_coach) in page


def test_a_partner_form_with_bad_input_changes_nothing(web, centre_admin, lawyer):
    response = web(centre_admin).post(
        reverse("partner_edit", args=[lawyer.pk]),
        {"name": "", "domain": "astrology", "provinces": ["XX"], "email": "not-an-email"},
    )
    assert response.status_code == 200
    assert response.content.decode().count('class="error"') >= 4
    lawyer.refresh_from_db()
    assert lawyer.name == "Legal aid Brussels"


# --- Referring, as the sender ----------------------------------------------------------------
def _form(partner, **overrides):
    data = {
        "partner": partner.pk,
        "type": "icam",
        "purpose": "Explore a return plan",
        "consent_fields": ["first_name", "languages"],
        "consent_given_on": timezone.localdate().isoformat(),
        "consent_method": "written",
        "send": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_counsellor_refers_with_consent(web, holder, case, desk):
    response = web(holder).post(reverse("referral_create", args=[case.pk]), _form(desk))
    referral = Referral.objects.get()
    assert response["Location"] == reverse("referral_detail", args=[case.pk, referral.pk])
    assert referral.status == ReferralStatus.SENT
    assert referral.consent_fields == ["first_name", "languages"]
    assert referral.consent_recorded_by == holder
    page = web(holder).get(response["Location"]).content.decode()
    assert "First name, Languages" in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"consent_fields": None},
        {"consent_given_on": None},
        {"consent_method": None},
        {"consent_fields": ["goal"]},
        {"consent_given_on": "2999-01-01"},
        {"purpose": ""},
        {"type": "teleportation"},
    ],
)
def test_a_referral_without_what_it_owes_is_refused(web, holder, case, desk, overrides):
    response = web(holder).post(
        reverse("referral_create", args=[case.pk]), _form(desk, **overrides)
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not Referral.objects.exists()


def test_a_desk_of_another_network_is_not_a_choice(web, holder, case, foreign_desk):
    page = web(holder).get(reverse("referral_create", args=[case.pk])).content.decode()
    assert "ICAM desk Liège" not in page
    response = web(holder).post(reverse("referral_create", args=[case.pk]), _form(foreign_desk))
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_case_page_lists_referrals_at_a_constant_cost(web, holder, case, desk, lawyer):
    browser = web(holder)
    refer(holder, case, desk)
    browser.get(reverse("case_detail", args=[case.pk]))
    with CaptureQueriesContext(connection) as one:
        page = browser.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "ICAM desk Brussels" in page
    for _n in range(5):
        refer(holder, case, lawyer)
    with CaptureQueriesContext(connection) as six:
        browser.get(reverse("case_detail", args=[case.pk]))
    assert len(six) == len(one)


def test_the_printed_sheet_holds_only_the_consented_fields(web, holder, secret_case, lawyer):
    referral = refer(holder, secret_case, lawyer, fields=["first_name", "phone"])
    sheet = web(holder).get(reverse("referral_sheet", args=[secret_case.pk, referral.pk]))
    html = sheet.content.decode()
    assert "Nadira" in html and "+32 470 55 66 77" in html
    for secret in (
        "Quetzalwyrm",
        "Morocco",
        "Arabic",
        "Undocumented",
        secret_case.client.reference,
    ):
        assert secret not in html


def test_the_sender_records_an_outside_partners_answer(web, holder, case, lawyer):
    referral = refer(holder, case, lawyer)
    browser = web(holder)
    url = reverse("referral_status", args=[case.pk, referral.pk])
    browser.post(url, {"status": "accepted", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    browser.post(
        reverse("referral_feedback", args=[case.pk, referral.pk]), {"text": "Seen on Monday"}
    )
    assert ReferralFeedback.objects.get().on_behalf_of_partner


# --- The coach's side ------------------------------------------------------------------------
def test_the_coach_sees_exactly_the_consented_fields(web, holder, secret_case, desk, icam_coach):
    referral = refer(holder, secret_case, desk, fields=["first_name", "languages"])
    browser = web(icam_coach)
    listing = browser.get(reverse("desk_home")).content.decode()
    assert referral.reference in listing
    html = browser.get(reverse("desk_referral", args=[referral.pk])).content.decode()
    assert "Nadira" in html and "Arabic" in html
    for secret in (
        "Quetzalwyrm",
        "+32 470 55 66 77",
        "Morocco",
        "Undocumented",
        secret_case.client.reference,
        reverse("case_detail", args=[secret_case.pk]),
    ):
        assert secret not in html, secret
    log = AccessLog.objects.get(user=icam_coach)
    assert (log.kind, log.object_id, log.reference) == ("referral", referral.pk, referral.reference)


def test_the_coach_answers_and_the_counsellor_reads_it_on_the_time_line(
    web, holder, case, referral, icam_coach
):
    coach = web(icam_coach)
    coach.post(
        reverse("desk_referral_status", args=[referral.pk]),
        {"status": "accepted", "version": referral.version},
    )
    coach.post(
        reverse("desk_referral_feedback", args=[referral.pk]),
        {"text": "First meeting planned next week"},
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    timeline = web(holder).get(reverse("client_timeline", args=[case.client_id])).content.decode()
    assert "First meeting planned next week" in timeline
    assert "ICAM desk Brussels: Accepted" in timeline
    detail = web(holder).get(reverse("referral_detail", args=[case.pk, referral.pk]))
    assert "First meeting planned next week" in detail.content.decode()
    case_page = web(holder).get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "First meeting planned next week" in case_page


def test_declining_without_a_reason_is_refused_with_a_message(web, referral, icam_coach):
    response = web(icam_coach).post(
        reverse("desk_referral_status", args=[referral.pk]),
        {"status": "declined", "reason": "", "version": referral.version},
    )
    assert response.status_code == 200
    assert "Give a reason." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("desk_referral", "get"),
        ("desk_referral_status", "post"),
        ("desk_referral_feedback", "post"),
    ],
)
def test_a_coach_of_another_desk_gets_404(web, referral, other_coach, name, method):
    browser = web(other_coach)
    url = reverse(name, args=[referral.pk])
    data = {"status": "accepted", "version": referral.version, "text": "x"}
    response = browser.post(url, data) if method == "post" else browser.get(url)
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert not ReferralFeedback.objects.exists()
    assert referral.reference not in browser.get(reverse("desk_home")).content.decode()


def test_a_coach_never_reaches_the_case(web, referral, icam_coach, case):
    browser = web(icam_coach)
    for url in (
        reverse("case_detail", args=[case.pk]),
        reverse("client_file", args=[case.client_id]),
        reverse("referral_detail", args=[case.pk, referral.pk]),
        reverse("partner_list"),
    ):
        assert browser.get(url).status_code == 404, url


def test_withdrawn_consent_closes_the_coachs_view_at_once(web, holder, case, referral, icam_coach):
    coach = web(icam_coach)
    assert coach.get(reverse("desk_referral", args=[referral.pk])).status_code == 200
    web(holder).post(
        reverse("referral_withdraw_consent", args=[case.pk, referral.pk]),
        {"reason": "The client changed their mind"},
    )
    assert coach.get(reverse("desk_referral", args=[referral.pk])).status_code == 404
    assert referral.reference not in coach.get(reverse("desk_home") + "?show=all").content.decode()
    history = web(holder).get(reverse("referral_history", args=[case.pk, referral.pk]))
    assert "The client changed their mind" in history.content.decode()


def test_the_desk_list_costs_the_same_whatever_its_size(web, holder, case, desk, icam_coach):
    browser = web(icam_coach)
    refer(holder, case, desk)
    browser.get(reverse("desk_home"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(reverse("desk_home")).status_code == 200
        return len(queries)

    few = count()
    for _n in range(8):
        refer(holder, case, desk)
    assert count() == few


def test_feedback_from_the_sender_on_a_desk_referral_is_refused(web, holder, case, referral):
    response = web(holder).post(
        reverse("referral_feedback", args=[case.pk, referral.pk]), {"text": "I answer myself"}
    )
    assert response.status_code == 200
    assert not ReferralFeedback.objects.exists()
    assert services.allowed_moves(referral, services.SENDER) == [ReferralStatus.CANCELLED]


def test_a_strange_partner_parameter_is_ignored(web, holder, case, desk):
    for value in ("²", "9" * 40, "abc"):
        response = web(holder).get(reverse("referral_create", args=[case.pk]), {"partner": value})
        assert response.status_code == 200


def test_the_coach_who_declines_goes_back_to_the_list(web, referral, icam_coach):
    response = web(icam_coach).post(
        reverse("desk_referral_status", args=[referral.pk]),
        {"status": "declined", "reason": "Outside our region", "version": referral.version},
    )
    assert response["Location"] == reverse("desk_home")
    assert web(icam_coach).get(reverse("desk_referral", args=[referral.pk])).status_code == 404


def test_editing_and_sending_a_draft_is_one_step(web, holder, case, desk):
    draft = refer(holder, case, desk, send=False)
    response = web(holder).post(
        reverse("referral_edit", args=[case.pk, draft.pk]),
        _form(desk, purpose="Changed purpose", version=draft.version),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.purpose, draft.status) == ("Changed purpose", ReferralStatus.SENT)
