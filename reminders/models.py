"""The reminder outbox: one row per (kind, object, due time, recipient), delivered once.

A row is written in the same transaction as the change that makes it due (a follow-up date, a
goal's target date, a referral sent). A beat task sweeps the due rows every minute, a worker
delivers each one — in the application, and by e-mail if the recipient wishes — and marks it.
Rows carry ids, a kind and a reference only: never a name, a note or a goal text.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Centre
from clients.models import Case


class Kind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up due")
    GOAL_TARGET = "goal_target", _("Goal target date")
    REFERRAL_ANSWER = "referral_answer", _("Referral without an answer")
    REFERRAL_WAITING = "referral_waiting", _("Referral waiting for your desk")


# Kinds addressed to whoever holds the case: a transfer re-addresses them.
HOLDER_KINDS = frozenset({Kind.FOLLOW_UP, Kind.GOAL_TARGET, Kind.REFERRAL_ANSWER})


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ReminderQuerySet(models.QuerySet):
    def notifications_of(self, user) -> ReminderQuerySet:
        """What ``user`` reads in the application: their delivered reminders."""
        return self.filter(recipient=user, delivered_at__isnull=False).exclude(
            status=Status.CANCELLED
        )


class Reminder(models.Model):
    """One reminder to one person. It shows in the application once ``delivered_at`` is set
    (whatever becomes of its e-mail); ``status`` tracks the delivery as a whole."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The session's case, the goal or the referral the reminder is about (by kind).
    object_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reminders")
    reference = models.CharField(_("reference"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due_on = models.DateField(_("date"))
    # When it falls due, from the centre's setting for the kind: derived, it moves with it.
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # A claimed row whose lease ran out (its worker died) is claimed again by the next sweep.
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(_("reason"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ReminderQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "due_on", "recipient"],
                condition=~models.Q(status="cancelled"),
                name="one_live_reminder",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_sweep"),
            models.Index(fields=["recipient", "-delivered_at"], name="reminder_inbox"),
            # The unread count every page shows: only the unread rows, not a year of the read.
            models.Index(
                fields=["recipient"],
                condition=models.Q(delivered_at__isnull=False, read_at__isnull=True)
                & ~models.Q(status="cancelled"),
                name="reminder_unread",
            ),
            models.Index(fields=["kind", "object_id"], name="reminder_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference} {self.due_on}"


class ReminderSetting(models.Model):
    """When a centre's reminders of one kind fall due: ``lead_days`` before the date, at
    ``send_at`` local time. Without a row: on the day, at 08:00."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="reminder_settings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    lead_days = models.PositiveSmallIntegerField(
        _("days before"), default=0, validators=[MaxValueValidator(30)]
    )
    send_at = models.TimeField(_("at"), default=datetime.time(8, 0))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder setting")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.UniqueConstraint(fields=["centre", "kind"], name="one_setting_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.kind}"
