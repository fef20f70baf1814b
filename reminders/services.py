"""Writes on the outbox, called by the apps in the transaction of the change that causes them.

``reminder_schedule`` makes the live reminders of one object exactly what they should be now,
so moving a date moves its reminder, clearing it cancels it, and calling it twice changes
nothing. Every write keeps its history with the acting user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import RuleBroken
from casework.history import save_as
from casework.models import User
from clients.models import Case

from .models import HOLDER_KINDS, Reminder, ReminderSetting, Status

LIVE = (Status.PENDING, Status.SENDING)


DEFAULT_TIMING = (0, datetime.time(8, 0))  # on the day, at 08:00


def due_at_for(centre_id: int, kind: str, due_on: datetime.date) -> datetime.datetime:
    """The moment a reminder about ``due_on`` falls due, by the centre's setting for ``kind``."""
    setting = ReminderSetting.objects.filter(centre_id=centre_id, kind=kind).first()
    return _due_at(due_on, (setting.lead_days, setting.send_at) if setting else DEFAULT_TIMING)


def _due_at(due_on: datetime.date, timing: tuple[int, datetime.time]) -> datetime.datetime:
    lead, at = timing
    return timezone.make_aware(
        datetime.datetime.combine(due_on - datetime.timedelta(days=lead), at)
    )


@transaction.atomic
def reminder_schedule(
    *,
    actor: User | None,
    kind: str,
    object_id: int,
    case: Case,
    reference: str,
    due_on: datetime.date | None,
    recipients: Iterable[User],
) -> None:
    """One live reminder per recipient about ``due_on``; ``None`` cancels them all.

    A reminder already delivered for the same date and person is not made again.
    """
    wanted: set[int] = set()
    if due_on is not None:
        wanted = {user.pk for user in recipients if user is not None}
    existing = Reminder.objects.select_for_update().filter(
        kind=kind, object_id=object_id, status__in=[*LIVE, Status.SENT, Status.FAILED]
    )
    for row in existing:
        if row.due_on == due_on and row.recipient_id in wanted:
            wanted.discard(row.recipient_id)  # already there: live, delivered or failed
        elif row.status in LIVE:
            row.status = Status.CANCELLED
            save_as(row, actor, "rescheduled" if due_on else "no longer due", validate=False)
    at = due_at_for(case.centre_id, kind, due_on) if due_on else None
    for user_id in sorted(wanted):
        save_as(
            Reminder(
                kind=kind,
                object_id=object_id,
                case=case,
                reference=reference,
                recipient_id=user_id,
                due_on=due_on,
                due_at=at,
            ),
            actor,
            validate=False,
        )


def reminders_cancel_for_case(*, actor: User | None, case: Case, reason: str) -> int:
    """The case's own reminders; a desk is still reminded of a referral waiting for it."""
    return _cancel(Reminder.objects.filter(case=case, kind__in=HOLDER_KINDS), actor, reason)


@transaction.atomic
def _cancel(rows, actor: User | None, reason: str) -> int:
    cancelled = 0
    for row in rows.select_for_update().filter(status__in=LIVE):
        row.status = Status.CANCELLED
        save_as(row, actor, reason, validate=False)
        cancelled += 1
    return cancelled


@transaction.atomic
def reminders_readdress(*, actor: User | None, case: Case, from_user: User, to_user: User) -> None:
    """A transferred case's future reminders go to its new counsellor."""
    rows = Reminder.objects.select_for_update().filter(
        case=case, recipient=from_user, kind__in=HOLDER_KINDS, status__in=LIVE
    )
    for row in rows:
        if (
            Reminder.objects.filter(
                kind=row.kind, object_id=row.object_id, due_on=row.due_on, recipient=to_user
            )
            .exclude(status=Status.CANCELLED)
            .exists()
        ):
            row.status = Status.CANCELLED  # the new counsellor already has this one
        else:
            row.recipient = to_user
        save_as(row, actor, "case transferred", validate=False)


def mark_read(*, user: User, reminder: Reminder) -> None:
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        save_as(reminder, user, validate=False)


@transaction.atomic
def mark_all_read(*, user: User) -> int:
    rows = Reminder.objects.notifications_of(user).select_for_update().filter(read_at__isnull=True)
    count = 0
    for row in rows:
        row.read_at = timezone.now()
        save_as(row, user, validate=False)
        count += 1
    return count


@transaction.atomic
def reminder_resend(*, actor: User, reminder: Reminder) -> None:
    """A failed reminder goes back to the outbox (a centre admin's decision)."""
    row = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if row.status != Status.FAILED:
        return
    row.status, row.attempts, row.claimed_until = Status.PENDING, 0, None
    row.due_at = min(row.due_at, timezone.now())
    save_as(row, actor, "sent again", validate=False)


@transaction.atomic
def reminder_settings_update(
    *, actor: User, centre_id: int, values: dict[str, tuple[int, datetime.time]]
) -> int:
    """Set a centre's lead and time per kind, and move its pending reminders to match."""
    if not (actor.is_centre_admin and actor.centre_id == centre_id):
        raise RuleBroken(_("Only a centre admin can set the centre's reminders."))
    for kind, (lead, at) in values.items():
        setting = ReminderSetting.objects.filter(centre_id=centre_id, kind=kind).first()
        setting = setting or ReminderSetting(centre_id=centre_id, kind=kind)
        if setting.pk is None or (setting.lead_days, setting.send_at) != (lead, at):
            setting.lead_days, setting.send_at = lead, at
            save_as(setting, actor)
    moved = 0
    pending = Reminder.objects.select_for_update().filter(
        case__centre_id=centre_id, status=Status.PENDING
    )
    timings = {
        s.kind: (s.lead_days, s.send_at)
        for s in ReminderSetting.objects.filter(centre_id=centre_id)
    }
    for row in pending:
        at = _due_at(row.due_on, timings.get(row.kind, DEFAULT_TIMING))
        if at != row.due_at:
            row.due_at = at
            save_as(row, actor, "centre settings changed", validate=False)
            moved += 1
    return moved


def reminder_email_set(*, user: User, reminder_email: str) -> None:
    """How ``user`` wants their reminders by e-mail (their own choice, on their account)."""
    user.reminder_email = reminder_email
    save_as(user, user, fields=["reminder_email"])
