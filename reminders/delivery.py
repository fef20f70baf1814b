"""Claiming due reminders and delivering each exactly once.

The sweep claims due rows in one statement per batch (``SELECT … FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so two sweeps never claim the same row) and gives each a lease; a row whose worker
died keeps its claim only until the lease runs out, then the next sweep claims it again.
Delivery locks the row, checks it is still claimed and still due, shows it in the application,
sends the e-mail and marks the row, all in one transaction: the only window in which a crash
could repeat an e-mail is between the SMTP server accepting it and that transaction's commit
(one UPDATE of the row and one INSERT of its history before it). A row that keeps failing —
whatever the error — is given up after ``MAX_ATTEMPTS`` claims and shown to the centre admin.
"""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Case as SQLCase
from django.db.models import F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from simple_history.utils import bulk_update_with_history

from casework.history import copy_to_history, save_as
from casework.models import ReminderEmail, User

from . import kinds
from .models import Reminder, Status

log = logging.getLogger(__name__)

LEASE = datetime.timedelta(minutes=5)  # longer than a chunk of deliveries with slow SMTP
MAX_ATTEMPTS = 8
SWEEP_BATCH = 10_000
MAIL_ERRORS = (smtplib.SMTPException, OSError)
DIGEST_SPAN = datetime.timedelta(days=1)
GAVE_UP = "gave up after repeated attempts"


def retry_delay(attempts: int) -> datetime.timedelta:
    """Back-off after a failed e-mail: 1, 2, 4 … 64 minutes (about two hours in all)."""
    return datetime.timedelta(minutes=2 ** max(attempts - 1, 0))


def claim_due(now: datetime.datetime | None = None, limit: int = SWEEP_BATCH) -> list[int]:
    """Claim up to ``limit`` due reminders (and those whose lease ran out); return their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Status.PENDING, due_at__lte=now)
                | Q(status=Status.SENDING, claimed_until__lt=now)
            )
            .order_by("due_at", "id")[:limit]
        )
        exhausted = [row for row in rows if row.attempts >= MAX_ATTEMPTS]
        if exhausted:
            _give_up(exhausted)
            rows = [row for row in rows if row.attempts < MAX_ATTEMPTS]
        ids = [row.pk for row in rows]
        # One UPDATE for the whole batch (the rows are locked above), then the database copies
        # them into their history (casework/history.py): no query per row, whatever the batch.
        # The outbox's bookkeeping holds no confidential field, and the history is written
        # explicitly, so .update() is safe here.
        Reminder.objects.filter(pk__in=ids).update(
            status=Status.SENDING, claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
        copy_to_history(Reminder, ids, reason="claimed by the sweep")
    return ids


def _give_up(rows: list[Reminder]) -> None:
    """Rows claimed ``MAX_ATTEMPTS`` times without success: failed, for a person to look at."""
    # Bookkeeping of the outbox (no confidential field): one UPDATE, its history just below.
    Reminder.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Status.FAILED,
        claimed_until=None,
        last_error=SQLCase(When(last_error="", then=Value(GAVE_UP)), default=F("last_error")),
    )
    for row in rows:
        row.status, row.claimed_until = Status.FAILED, None
        row.last_error = row.last_error or GAVE_UP
    Reminder.history.bulk_history_create(rows, update=True, default_change_reason="given up")
    log.warning("reminders given up: %s", [row.pk for row in rows])


def deliver(reminder_id: int) -> str:
    """Deliver one claimed reminder; return what happened (for logs: ids and states only)."""
    with transaction.atomic():
        row = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("recipient", "case")
            .filter(pk=reminder_id, status=Status.SENDING)
            .first()
        )
        if row is None:
            return "not claimed"  # delivered, cancelled or re-queued meanwhile
        if not kinds.still_due(row):
            row.status, row.last_error = Status.CANCELLED, "no longer due or no longer visible"
            _mark(row, "dropped")
            return "dropped"
        recipient = row.recipient
        now = timezone.now()
        # In the application first: the notification shows whatever becomes of the e-mail.
        row.delivered_at = row.delivered_at or now
        if recipient.reminder_email == ReminderEmail.IMMEDIATE and recipient.email:
            try:
                _send(recipient, [row])
            except MAIL_ERRORS as error:
                return _failed(row, error)
            row.emailed_at = now
        # The e-mail is accepted: from here to the commit is the one window for a repeat.
        row.status, row.claimed_until, row.last_error = Status.SENT, None, ""
        _mark(row, "delivered")
        return "sent"


def _failed(row: Reminder, error: Exception) -> str:
    # The class and the SMTP code only: an SMTP message may quote the recipient's address.
    code = getattr(error, "smtp_code", None)
    row.last_error = type(error).__name__ + (f" ({code})" if code else "")
    if row.attempts >= MAX_ATTEMPTS:
        row.status, row.claimed_until = Status.FAILED, None
        outcome = "failed"
    else:
        row.claimed_until = timezone.now() + retry_delay(row.attempts)  # the sweep retries then
        outcome = "retry"
    _mark(row, f"e-mail refused ({outcome})")
    log.warning("reminder %s: e-mail refused, %s", row.pk, outcome)
    return outcome


def _mark(row: Reminder, reason: str) -> None:
    # The worker acts for no one (actor None); the reason says what it did.
    save_as(row, None, reason, validate=False)


def _send(recipient: User, rows: list[Reminder]) -> None:
    """One e-mail to ``recipient`` about ``rows``: references, kinds, dates and links only."""
    language = recipient.language or settings.LANGUAGE_CODE
    with translation.override(language):
        items = [
            {
                "kind": row.get_kind_display(),
                "reference": row.reference,
                "date": row.due_on,
                "url": settings.CASEWORK_BASE_URL.rstrip("/") + kinds.url_of(row),
            }
            for row in rows
        ]
        context = {"items": items, "inbox": settings.CASEWORK_BASE_URL.rstrip("/") + "/"}
        subject = render_to_string("reminders/email_subject.txt", context).strip()
        body = render_to_string("reminders/email_body.txt", context)
    EmailMessage(subject, body, to=[recipient.email]).send()


def send_digest(user_id: int, now: datetime.datetime | None = None) -> int:
    """One e-mail with the reminders delivered to a daily-digest user and not yet e-mailed."""
    now = now or timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        rows = list(
            Reminder.objects.select_for_update()
            .filter(
                recipient=user,
                status=Status.SENT,
                emailed_at__isnull=True,
                delivered_at__gte=now - DIGEST_SPAN,  # what came since the last one
            )
            .order_by("due_at", "id")
        )
        if not rows or not user.email or user.reminder_email != ReminderEmail.DAILY:
            return 0
        _send(user, rows)
        for row in rows:
            row.emailed_at = now
            row._change_reason = "daily e-mail"
        bulk_update_with_history(rows, Reminder, ["emailed_at"], batch_size=500)
        return len(rows)


def digest_recipients() -> list[int]:
    return list(
        Reminder.objects.filter(
            status=Status.SENT,
            emailed_at__isnull=True,
            delivered_at__gte=timezone.now() - DIGEST_SPAN,
            recipient__reminder_email=ReminderEmail.DAILY,
        )
        .values_list("recipient_id", flat=True)
        .distinct()
    )
