"""Referral rules: consent, the network, who may move a referral where, consent withdrawal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from casework.errors import RuleBroken, StaleEdit
from clients import services as cases
from clients.models import CaseOutcome, CaseStatus
from referrals import services
from referrals.access import desk_referrals, shared_fields
from referrals.models import (
    Partner,
    Referral,
    ReferralFeedback,
    ReferralGroupObjectPermission,
    ReferralStatus,
)

from ..factories import UserFactory, make_case
from .conftest import refer

S = ReferralStatus


def _nothing_written(before: int) -> None:
    assert Referral.objects.count() == before
    assert ReferralGroupObjectPermission.objects.count() == 0


def test_sending_grants_the_desk_and_records_who(referral, holder, desk, icam_coach):
    assert referral.status == S.SENT
    assert referral.sent_at is not None
    grants = ReferralGroupObjectPermission.objects.filter(content_object=referral)
    assert {g.permission.codename for g in grants} == {"view_referral", "change_referral"}
    assert {g.group_id for g in grants} == {desk.group_id}
    assert list(desk_referrals(icam_coach)) == [referral]
    history = referral.history.order_by("history_date")
    assert [h.status for h in history] == [S.DRAFT, S.SENT]
    assert {h.history_user for h in history} == {holder}
    grant_history = ReferralGroupObjectPermission.history.filter(content_object_id=referral.pk)
    assert {h.history_user for h in grant_history} == {holder}


def test_a_draft_gives_the_desk_nothing(holder, case, desk, icam_coach):
    draft = refer(holder, case, desk, send=False)
    assert draft.status == S.DRAFT
    assert not ReferralGroupObjectPermission.objects.exists()
    assert not desk_referrals(icam_coach).exists()


@pytest.mark.parametrize(
    ("fields", "extra", "field"),
    [
        ([], {}, "consent_fields"),
        (["first_name", "blood_type"], {}, "consent_fields"),
        (["goal"], {}, "goal"),
        (["first_name"], {"consent_given_on": timezone.localdate() + timedelta(days=1)}, None),
        (["first_name"], {"answer_due": timezone.localdate() - timedelta(days=1)}, None),
    ],
)
def test_a_referral_without_valid_consent_is_refused(holder, case, desk, fields, extra, field):
    with pytest.raises(RuleBroken) as refused:
        refer(holder, case, desk, fields=fields, **extra)
    if field:
        assert refused.value.field == field
    _nothing_written(0)


def test_a_desk_of_another_network_is_refused(holder, case, foreign_desk):
    with pytest.raises(RuleBroken) as refused:
        refer(holder, case, foreign_desk)
    assert refused.value.field == "partner"
    _nothing_written(0)


def test_the_goal_shared_must_be_of_the_same_case(holder, case, desk, goal):
    other_case = make_case(holder, first_name="Other")
    with pytest.raises(RuleBroken) as refused:
        refer(holder, other_case, desk, fields=["goal"], goal=goal)
    assert refused.value.field == "goal"
    _nothing_written(0)
    referral = refer(holder, case, desk, fields=["goal"], goal=goal)
    assert [f.value for f in shared_fields(referral)] == [
        f"{goal.get_category_display()}: {goal.description}"
    ]


def test_a_closed_case_refers_no_more(holder, case, desk):
    cases.case_change_status(
        actor=holder,
        case=case,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.LOST_CONTACT,
        expected_version=case.version,
    )
    case.refresh_from_db()
    with pytest.raises(RuleBroken):
        refer(holder, case, desk)
    _nothing_written(0)


def test_the_desk_answers_and_the_sender_may_not(referral, holder, icam_coach):
    with pytest.raises(RuleBroken):
        services.referral_change_status(
            actor=holder, referral=referral, to=S.ACCEPTED, version=referral.version, as_sender=True
        )
    referral.refresh_from_db()
    assert referral.status == S.SENT
    accepted = services.referral_change_status(
        actor=icam_coach,
        referral=referral,
        to=S.ACCEPTED,
        version=referral.version,
        as_sender=False,
    )
    assert accepted.status == S.ACCEPTED
    assert accepted.history.latest().history_user == icam_coach


def test_an_illegal_move_is_refused(referral, icam_coach):
    with pytest.raises(RuleBroken):
        services.referral_change_status(
            actor=icam_coach,
            referral=referral,
            to=S.COMPLETED,
            version=referral.version,
            as_sender=False,
            result="Done",
        )
    referral.refresh_from_db()
    assert (referral.status, referral.result) == (S.SENT, "")


def test_declining_owes_a_reason_and_completing_a_result(referral, icam_coach):
    with pytest.raises(RuleBroken) as refused:
        services.referral_change_status(
            actor=icam_coach,
            referral=referral,
            to=S.DECLINED,
            version=referral.version,
            as_sender=False,
            reason="  ",
        )
    assert refused.value.field == "reason"
    move = services.referral_change_status
    referral = move(
        actor=icam_coach,
        referral=referral,
        to=S.ACCEPTED,
        version=referral.version,
        as_sender=False,
    )
    referral = move(
        actor=icam_coach,
        referral=referral,
        to=S.IN_PROGRESS,
        version=referral.version,
        as_sender=False,
    )
    with pytest.raises(RuleBroken) as refused:
        move(
            actor=icam_coach,
            referral=referral,
            to=S.COMPLETED,
            version=referral.version,
            as_sender=False,
        )
    assert refused.value.field == "result"
    referral = move(
        actor=icam_coach,
        referral=referral,
        to=S.COMPLETED,
        version=referral.version,
        as_sender=False,
        result="Return plan agreed",
    )
    referral.refresh_from_db()
    assert (referral.status, referral.result) == (S.COMPLETED, "Return plan agreed")
    assert services.allowed_moves(referral, services.RECEIVER) == []


def test_a_stale_answer_is_refused(referral, icam_coach):
    with pytest.raises(StaleEdit):
        services.referral_change_status(
            actor=icam_coach,
            referral=referral,
            to=S.ACCEPTED,
            version=referral.version - 1,
            as_sender=False,
        )


def test_a_coach_of_another_desk_can_neither_see_nor_answer(referral, other_coach):
    assert not desk_referrals(other_coach).exists()
    with pytest.raises(RuleBroken):
        services.referral_change_status(
            actor=other_coach,
            referral=referral,
            to=S.ACCEPTED,
            version=referral.version,
            as_sender=False,
        )
    with pytest.raises(RuleBroken):
        services.feedback_add(actor=other_coach, referral=referral, text="Hi", as_sender=False)
    assert not ReferralFeedback.objects.exists()


def test_feedback_comes_from_the_receiver(referral, holder, icam_coach):
    with pytest.raises(RuleBroken):
        services.feedback_add(actor=holder, referral=referral, text="I say so", as_sender=True)
    feedback = services.feedback_add(
        actor=icam_coach, referral=referral, text="First meeting on Monday", as_sender=False
    )
    assert feedback.author == icam_coach
    assert feedback.history.get().history_user == icam_coach


def test_the_sender_answers_for_a_partner_outside_casework(holder, case, lawyer):
    referral = refer(holder, case, lawyer, type="regularisation")
    assert not ReferralGroupObjectPermission.objects.exists()
    referral = services.referral_change_status(
        actor=holder, referral=referral, to=S.ACCEPTED, version=referral.version, as_sender=True
    )
    feedback = services.feedback_add(
        actor=holder, referral=referral, text="Appointment made", as_sender=True
    )
    assert referral.status == S.ACCEPTED
    assert feedback.on_behalf_of_partner


def test_withdrawn_consent_withdraws_access_at_once(referral, holder, icam_coach):
    services.referral_withdraw_consent(actor=holder, referral=referral, reason="Client asked")
    referral.refresh_from_db()
    assert referral.consent_withdrawn
    assert referral.status == S.CANCELLED
    assert not ReferralGroupObjectPermission.objects.exists()
    assert not desk_referrals(icam_coach).exists()
    assert shared_fields(referral) == []
    last = referral.history.latest()
    assert last.history_user == holder
    assert "Client asked" in last.history_change_reason
    withdrawals = ReferralGroupObjectPermission.history.filter(history_type="-")
    assert withdrawals.count() == 2
    assert {w.history_user for w in withdrawals} == {holder}
    with pytest.raises(RuleBroken):
        services.feedback_add(actor=icam_coach, referral=referral, text="Hi", as_sender=False)


def test_withdrawal_needs_a_reason(referral, holder):
    with pytest.raises(RuleBroken):
        services.referral_withdraw_consent(actor=holder, referral=referral, reason=" ")
    referral.refresh_from_db()
    assert not referral.consent_withdrawn
    assert ReferralGroupObjectPermission.objects.count() == 2


def test_only_a_draft_is_edited(referral, holder):
    with pytest.raises(RuleBroken):
        services.referral_update(
            actor=holder, referral=referral, data={"purpose": "Other"}, version=referral.version
        )
    referral.refresh_from_db()
    assert referral.purpose != "Other"


def test_shared_fields_hold_only_the_consent(holder, desk):
    case = cases.client_create(
        actor=holder,
        data={
            "first_name": "Nadia",
            "last_name": "Quetzalwyrm",
            "phone": "+32 470 11 22 33",
            "country_of_origin": "MA",
            "languages": ["ar", "fr"],
        },
    )[1]
    referral = refer(holder, case, desk, fields=["country_of_origin", "phone"])
    shared = {f.code: f.value for f in shared_fields(referral)}
    assert shared == {"country_of_origin": "Morocco", "phone": "+32 470 11 22 33"}


# --- The directory ---------------------------------------------------------------------------
def test_a_centre_admin_maintains_the_directory_with_history(centre_admin, network):
    partner = services.partner_save(
        actor=centre_admin,
        network=network,
        data={"name": " Taalhuis Noord ", "domain": "language_classes", "provinces": ["VAN"]},
    )
    assert partner.name == "Taalhuis Noord"
    assert partner.history.get().history_user == centre_admin
    with pytest.raises(RuleBroken) as refused:
        services.partner_save(
            actor=centre_admin,
            network=network,
            data={"name": "taalhuis noord", "domain": "leisure", "provinces": ["VAN"]},
        )
    assert refused.value.field == "name"
    assert Partner.objects.count() == 1


def test_a_counsellor_does_not_maintain_the_directory(holder, network):
    with pytest.raises(RuleBroken):
        services.partner_save(
            actor=holder, network=network, data={"name": "X", "domain": "leisure", "provinces": []}
        )
    assert not Partner.objects.exists()


def test_a_desk_stays_a_desk(centre_admin, network, desk):
    with pytest.raises(RuleBroken):
        services.partner_save(
            actor=centre_admin, network=network, partner=desk, data={"domain": "legal_aid"}
        )
    desk.refresh_from_db()
    assert desk.is_desk


def test_desk_membership_is_for_coaches_and_keeps_its_history(centre_admin, desk, holder):
    coach = UserFactory(centre=None, username="newcoach", roles=["icam_coach"])
    services.desk_coach_add(actor=centre_admin, desk=desk, coach=coach)
    assert coach.groups.filter(pk=desk.group_id).exists()
    assert coach.history.latest().history_user == centre_admin
    with pytest.raises(RuleBroken):
        services.desk_coach_add(actor=centre_admin, desk=desk, coach=holder)
    assert not holder.groups.exists()
    services.desk_coach_remove(actor=centre_admin, desk=desk, coach=coach)
    assert not coach.groups.exists()


def test_only_who_may_change_the_case_refers(reader, outsider, case, desk):
    for actor in (reader, outsider):
        with pytest.raises(RuleBroken):
            refer(actor, case, desk)
    _nothing_written(0)


def test_a_draft_is_checked_again_when_it_is_sent(holder, case, lawyer):
    draft = refer(holder, case, lawyer, send=False)
    Partner.objects.filter(pk=lawyer.pk).update(is_active=False)
    with pytest.raises(RuleBroken) as refused:
        services.referral_change_status(
            actor=holder, referral=draft, to=S.SENT, version=draft.version, as_sender=True
        )
    assert refused.value.field == "partner"
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_declining_ends_the_desks_access(referral, icam_coach):
    services.referral_change_status(
        actor=icam_coach,
        referral=referral,
        to=S.DECLINED,
        version=referral.version,
        as_sender=False,
        reason="Outside our region",
        result="ignored",
    )
    referral.refresh_from_db()
    assert referral.status == S.DECLINED
    assert referral.result == ""  # a result belongs to a completed referral only
    assert not ReferralGroupObjectPermission.objects.exists()
    assert not desk_referrals(icam_coach).exists()


def test_a_partner_with_referrals_under_way_does_not_become_a_desk(
    centre_admin, network, holder, case, lawyer
):
    refer(holder, case, lawyer)
    with pytest.raises(RuleBroken) as refused:
        services.partner_save(
            actor=centre_admin, network=network, partner=lawyer, data={"domain": "icam_desk"}
        )
    assert refused.value.field == "domain"
    lawyer.refresh_from_db()
    assert (lawyer.domain, lawyer.group_id) == ("legal_aid", None)


def test_a_group_on_a_partner_that_is_no_desk_opens_nothing(holder, case, lawyer, icam_coach):
    """Belt and braces: only a desk's grants open a referral to a coach."""
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="stray")
    Partner.objects.filter(pk=lawyer.pk).update(group=group)
    icam_coach.groups.add(group)
    lawyer.refresh_from_db()
    referral = refer(holder, case, lawyer)
    assert not ReferralGroupObjectPermission.objects.exists()
    assert not desk_referrals(icam_coach).exists()
    assert referral.status == S.SENT
