"""A centre's retention periods, the record of each retention run, and erasure records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Centre


class RetentionPolicy(models.Model):
    """How long a centre keeps what: set by its centre admin, never below the legal minimum
    the installation is configured with (RETENTION_MINIMUM_MONTHS)."""

    centre = models.OneToOneField(
        Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="retention"
    )
    closed_case_months = models.PositiveSmallIntegerField(
        _("anonymise a client file this many months after its last case closed"),
        null=True,
        blank=True,
        help_text=_("Empty: keep closed files until someone erases them."),
    )
    access_log_months = models.PositiveSmallIntegerField(
        _("keep access-log entries this many months"),
        null=True,
        blank=True,
        help_text=_("Empty: keep them for good."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retention policy")
        verbose_name_plural = _("retention policies")

    def __str__(self) -> str:
        return f"retention of {self.centre}"


class RetentionRun(models.Model):
    """What one run did (or, dry, would do): counts and ids, never a name."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    dry_run = models.BooleanField(_("dry run"))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    client_ids = models.JSONField(default=list)
    case_ids = models.JSONField(default=list)
    rows = models.JSONField(default=dict)  # model label → rows erased (history rows apart)
    history_rows = models.JSONField(default=dict)
    access_log_entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["centre", "-started_at"], name="retentionrun_centre")]

    def __str__(self) -> str:
        return f"retention run {self.pk}"


class ErasureReason(models.TextChoices):
    CLIENTS_REQUEST = "request", _("The client asked for it (GDPR article 17)")
    CONSENT_WITHDRAWN = "consent", _("The client withdrew the consent the file rests on")
    UNLAWFUL = "unlawful", _("The data should not have been recorded")


class Erasure(models.Model):
    """An erasure of a client's personal data on their request: asked by one person with the
    right to edit the file, confirmed by a centre admin. The record names no one: the client
    is an id and a pseudonymous reference, and no free text is asked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        DONE = "done", _("Erased")
        CANCELLED = "cancelled", _("Cancelled")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="+")
    client_id = models.PositiveBigIntegerField(_("client id"))
    reference = models.CharField(_("reference"), max_length=24)
    reason = models.CharField(_("reason"), max_length=12, choices=ErasureReason.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rows = models.JSONField(default=dict)
    history_rows = models.JSONField(default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_id"],
                condition=models.Q(status="pending"),
                name="one_pending_erasure_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"erasure {self.pk}"
