"""When reminders fall due, and how changes to sessions, goals, cases and referrals move them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from clients import services as cases
from clients.models import CaseOutcome, CaseStatus
from referrals import services as referring
from reminders.models import Kind, Reminder, ReminderSetting, Status
from reminders.services import due_at_for, reminder_settings_update
from sessions import services as counselling

from ..referrals.conftest import refer

TODAY = timezone.localdate()
IN_A_WEEK = TODAY + datetime.timedelta(days=7)


def live(**filters):
    return Reminder.objects.filter(status__in=[Status.PENDING, Status.SENDING], **filters)


def record_session(actor, case, follow_up):
    return counselling.session_record(
        actor=actor,
        case=case,
        data={"duration_minutes": 30, "next_follow_up": follow_up},
    )


def test_the_due_time_follows_the_centres_setting(centre):
    local = timezone.localtime(due_at_for(centre.pk, Kind.FOLLOW_UP, IN_A_WEEK))
    assert (local.date(), local.time()) == (IN_A_WEEK, datetime.time(8, 0))
    ReminderSetting.objects.create(
        centre=centre, kind=Kind.FOLLOW_UP, lead_days=2, send_at=datetime.time(17, 30)
    )
    local = timezone.localtime(due_at_for(centre.pk, Kind.FOLLOW_UP, IN_A_WEEK))
    assert (local.date(), local.time()) == (
        IN_A_WEEK - datetime.timedelta(days=2),
        datetime.time(17, 30),
    )


def test_a_follow_up_date_makes_one_reminder_for_the_holder(holder, case):
    record_session(holder, case, IN_A_WEEK)
    reminder = live().get()
    assert (reminder.kind, reminder.object_id, reminder.recipient) == (
        Kind.FOLLOW_UP,
        case.pk,
        holder,
    )
    assert reminder.reference == case.reference
    assert reminder.history.get().history_user == holder


def test_moving_the_follow_up_moves_its_reminder(holder, case):
    session = record_session(holder, case, IN_A_WEEK)
    later = IN_A_WEEK + datetime.timedelta(days=3)
    counselling.session_update(
        actor=holder,
        session=session,
        expected_version=session.version,
        data={"next_follow_up": later},
    )
    assert [r.due_on for r in live()] == [later]
    cancelled = Reminder.objects.get(status=Status.CANCELLED)
    assert cancelled.due_on == IN_A_WEEK
    assert cancelled.history.latest().history_user == holder


def test_a_later_session_without_a_date_clears_the_follow_up(holder, case):
    record_session(holder, case, IN_A_WEEK)
    record_session(holder, case, None)
    assert not live().exists()


def test_closing_the_case_cancels_its_reminders(holder, case, goal):
    record_session(holder, case, IN_A_WEEK)
    counselling.goal_update(
        actor=holder,
        goal=goal,
        expected_version=goal.version,
        data={"target_date": IN_A_WEEK},
        sessions=[],
    )
    assert live().count() == 2
    cases.case_change_status(
        actor=holder,
        case=case,
        expected_version=case.version,
        status=CaseStatus.CLOSED,
        outcome=CaseOutcome.LOST_CONTACT,
    )
    assert not live().exists()


def test_achieving_a_goal_cancels_its_reminder(holder, case):
    goal = counselling.goal_set(
        actor=holder,
        case=case,
        data={"category": "training", "description": "Cook", "target_date": IN_A_WEEK},
    )
    assert live(kind=Kind.GOAL_TARGET, object_id=goal.pk).count() == 1
    counselling.goal_change_status(
        actor=holder, goal=goal, expected_version=goal.version, status="achieved", reason="Done"
    )
    assert not live().exists()


def test_a_transferred_case_reminds_its_new_counsellor(holder, case, outsider):
    record_session(holder, case, IN_A_WEEK)
    case.refresh_from_db()
    cases.case_transfer(actor=holder, case=case, to_user=outsider)
    reminder = live().get()
    assert reminder.recipient == outsider
    assert reminder.history.latest().history_user == holder


def test_a_referral_reminds_the_sender_and_the_desk(holder, case, desk, icam_coach):
    referral = refer(holder, case, desk, answer_due=IN_A_WEEK)
    answer = live(kind=Kind.REFERRAL_ANSWER).get()
    waiting = live(kind=Kind.REFERRAL_WAITING).get()
    assert (answer.recipient, answer.reference) == (holder, case.reference)
    # The desk's reminder names the referral, never the client's reference.
    assert (waiting.recipient, waiting.reference) == (icam_coach, referral.reference)
    referring.referral_change_status(
        actor=icam_coach,
        referral=referral,
        to="accepted",
        version=referral.version,
        as_sender=False,
    )
    assert not live().exists()


def test_a_desk_without_a_date_is_reminded_two_days_after(holder, case, desk):
    refer(holder, case, desk)
    assert not live(kind=Kind.REFERRAL_ANSWER).exists()
    assert live(kind=Kind.REFERRAL_WAITING).get().due_on == TODAY + datetime.timedelta(days=2)


def test_withdrawn_consent_cancels_the_referrals_reminders(holder, referral):
    assert live().exists()
    referring.referral_withdraw_consent(actor=holder, referral=referral, reason="Asked")
    assert not live().exists()


def test_changing_the_centres_settings_moves_waiting_reminders(centre_admin, holder, case):
    record_session(holder, case, IN_A_WEEK)
    moved = reminder_settings_update(
        actor=centre_admin,
        centre_id=case.centre_id,
        values={kind: (1, datetime.time(9, 15)) for kind in Kind.values},
    )
    assert moved == 1
    local = timezone.localtime(live().get().due_at)
    assert (local.date(), local.time()) == (
        IN_A_WEEK - datetime.timedelta(days=1),
        datetime.time(9, 15),
    )


def test_only_a_centre_admin_sets_the_centres_reminders(holder, case):
    from casework.errors import RuleBroken

    with pytest.raises(RuleBroken):
        reminder_settings_update(actor=holder, centre_id=case.centre_id, values={})
    assert not ReminderSetting.objects.exists()
