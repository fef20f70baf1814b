"""Releases: what the coordinators were shown, frozen for the month."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Release(models.Model):
    """A year's figures for a network (or a centre alone) as released at the start of a month.

    It holds the published figures only — never a hidden one, never a row about a person —
    and is served unchanged for the rest of the month, however the records change meanwhile.
    The next month's release is protected knowing what this one published (``releases``)."""

    unit = models.CharField(_("network or centre"), max_length=40)  # "network:3", "centre:7"
    centres = models.JSONField(_("centres"))  # their ids, sorted
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.DateField(_("released"))  # the first day of the month of release
    k = models.PositiveSmallIntegerField(_("threshold"))
    # The shape of the figures (bins, tables) it was made for: a new shape makes a new release.
    schema = models.PositiveSmallIntegerField(default=1, editable=False)
    figures = models.JSONField(_("published figures"))
    medians = models.JSONField(_("published medians"), default=list)
    # Not published, never shown: the finest counts it was made from, so that the next releases
    # take the months released here as they were (``ledger``), and the regions it merged.
    ledger = models.JSONField(_("counts of the released months"), default=dict, editable=False)
    regions = models.JSONField(_("merged regions"), default=dict, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("release of figures")
        verbose_name_plural = _("releases of figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "month", "k", "schema"], name="one_release_per_month"
            )
        ]
        indexes = [models.Index(fields=["unit", "year", "month"], name="release_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} ({self.month:%Y-%m})"

    @property
    def last_month(self) -> int:
        """The last month of ``year`` it counts (0: none yet)."""
        return 12 if self.month.year > self.year else self.month.month - 1
