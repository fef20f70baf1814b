"""The reminders of referrals: an answer overdue (to the counsellor who holds the case) and a
referral waiting to be accepted (to the coaches of the desk it is addressed to)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from casework.models import Role, User
from clients.access import visible_cases
from reminders import kinds
from reminders.models import Kind, Reminder
from reminders.services import reminder_schedule

from .access import desk_referrals
from .models import Referral, ReferralStatus

# Without an expected date, a desk is reminded of a referral this long after it was sent.
WAITING_WITHOUT_DATE = datetime.timedelta(days=2)


def schedule_referral(actor: User, referral: Referral) -> None:
    """Make both reminders of ``referral`` match its state: due while it waits, gone after."""
    case = referral.case
    waiting = referral.status == ReferralStatus.SENT and not referral.consent_withdrawn
    reminder_schedule(
        actor=actor,
        kind=Kind.REFERRAL_ANSWER,
        object_id=referral.pk,
        case=case,
        reference=case.reference,
        due_on=referral.answer_due if waiting else None,
        recipients=[case.assigned_to],
    )
    partner = referral.partner
    coaches = (
        list(partner.group.user_set.filter(is_active=True, roles__role=Role.ICAM_COACH))
        if partner.answers_in_casework
        else []
    )
    due = None
    if waiting and coaches:
        sent_on = timezone.localtime(referral.sent_at or timezone.now()).date()
        due = referral.answer_due or sent_on + WAITING_WITHOUT_DATE
    reminder_schedule(
        actor=actor,
        kind=Kind.REFERRAL_WAITING,
        object_id=referral.pk,
        case=case,
        reference=referral.reference,
        due_on=due,
        recipients=coaches,
    )


def _answer_still_due(reminder: Reminder) -> bool:
    referral = Referral.objects.filter(pk=reminder.object_id, case_id=reminder.case_id).first()
    return (
        referral is not None
        and referral.status == ReferralStatus.SENT
        and not referral.consent_withdrawn
        and referral.answer_due == reminder.due_on
        and visible_cases(reminder.recipient)
        .filter(pk=reminder.case_id, assigned_to=reminder.recipient)
        .exists()
    )


def _waiting_still_due(reminder: Reminder) -> bool:
    return (
        desk_referrals(reminder.recipient)
        .filter(pk=reminder.object_id, status=ReferralStatus.SENT)
        .exists()
    )


def register() -> None:
    kinds.register(
        Kind.REFERRAL_ANSWER,
        still_due=_answer_still_due,
        url=lambda r: reverse(
            "referral_detail", kwargs={"pk": r.case_id, "referral_pk": r.object_id}
        ),
    )
    kinds.register(
        Kind.REFERRAL_WAITING,
        still_due=_waiting_still_due,
        url=lambda r: reverse("desk_referral", kwargs={"pk": r.object_id}),
    )
