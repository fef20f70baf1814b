"""Client files and cases: the confidential core of Casework."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from casework.models import Centre

from .fields import AgeAtOpeningField, EncryptedDateField, EncryptedTextField, SearchHashField
from .languages import LANGUAGE_NAMES


class ResidenceSituation(models.TextChoices):
    UNDOCUMENTED = "undocumented", _("Undocumented")
    REGULARISATION_9BIS = "regularisation_9bis", _("Regularisation pending (9bis)")
    REGULARISATION_9TER = "regularisation_9ter", _("Regularisation pending (9ter)")
    ASYLUM_REFUSED = "asylum_refused", _("Asylum refused")
    DUBLIN = "dublin", _("Dublin procedure")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class ReferenceCounter(models.Model):
    """The last client number handed out per centre and year (locked while allocating)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["centre", "year"], name="unique_counter_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.centre.code}-{self.year}: {self.last_number}"


class Client(models.Model):
    """The person. Outside this file, only the pseudonymous ``reference`` names them."""

    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="clients"
    )
    reference = models.CharField(_("reference"), max_length=24, unique=True, editable=False)
    # What identifies the person is encrypted in the database (casework/crypto.py); the first
    # name is searched through its keyed hash.
    first_name = EncryptedTextField(_("first name"), max_length=100, blank=True)
    first_name_hash = SearchHashField(source="first_name")
    last_name = EncryptedTextField(_("last name"), max_length=100, blank=True)
    birth_date = EncryptedDateField(_("birth date"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), max_length=40, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    country_of_origin = CountryField(_("country of origin"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_needed = models.BooleanField(_("interpreter needed"), default=False)
    year_of_arrival = models.PositiveSmallIntegerField(
        _("year of arrival in Belgium"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    residence_situation = models.CharField(
        _("residence situation"),
        max_length=30,
        choices=ResidenceSituation.choices,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # Optimistic locking: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set when the identity and every free text of the file were erased (privacy/).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        indexes = [models.Index(fields=["centre", "created_at"], name="client_centre_created")]

    def __str__(self) -> str:
        return self.reference

    @property
    def language_names(self) -> list[str]:
        return [str(LANGUAGE_NAMES.get(code, code)) for code in self.languages]


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ORIENTATION = "orientation", _("Orientation")
    ACTION = "action", _("Action")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


class CaseOutcome(models.TextChoices):
    LEGAL_STAY = "legal_stay", _("Legal stay obtained")
    VOLUNTARY_RETURN = "voluntary_return", _("Voluntary return completed")
    ONWARD_MIGRATION = "onward_migration", _("Onward migration")
    TRAINING_COMPLETED = "training_completed", _("Training completed")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


OPEN_STATUSES = [s for s in CaseStatus if s != CaseStatus.CLOSED]


class Case(models.Model):
    """One migration-orientation trajectory of a client."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="cases"
    )
    # Denormalised from the client so the permission filter is one indexed column.
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="cases"
    )
    number = models.PositiveSmallIntegerField(_("case number"), editable=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=CaseOutcome.choices, blank=True)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    # The client's age that day, for the figures (clients/ages.py); no birth date needed.
    age_at_opening = AgeAtOpeningField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    # The latest session's follow-up date, kept by sessions.services whenever a session is
    # written, so the caseload shows, sorts and counts it from the row, not from a subquery
    # over the sessions of every case. Derived, so out of the case's history: the session that
    # sets it has its own.
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(
        excluded_fields=["version", "last_activity_at", "age_at_opening", "next_follow_up"]
    )

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="unique_case_number"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | ~models.Q(outcome=""),
                name="closed_case_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "-last_activity_at"], name="case_caseload"),
            # The caseload's open cases and what falls due on them (visible_cases' first arm).
            models.Index(fields=["assigned_to", "status"], name="case_holder_status"),
            models.Index(fields=["centre", "status"], name="case_centre_status"),
            # The coordinators' figures: a centre's cases opened or closed in a period.
            models.Index(fields=["centre", "opened_at"], name="case_centre_opened"),
            models.Index(fields=["centre", "closed_at"], name="case_centre_closed"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"{self.client.reference}/{self.number}"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A case shared with a colleague (guardian direct foreign key: indexed, cascades)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")
    history = HistoricalRecords()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("case share")
        verbose_name_plural = _("case shares")
