"""Accounts, centres and roles, the access log and the beat heartbeat."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Network(models.Model):
    """A regional partnership of centres; its coordinators see their centres' aggregates."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.name


class Centre(models.Model):
    """An organisation whose counsellors hold client files (integration centre, CPAS/OCMW)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(
        _("reference prefix"),
        max_length=8,
        unique=True,
        help_text=_("Prefix of client references, e.g. FOY gives FOY-2026-0042."),
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="centres",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    COORDINATOR = "coordinator", _("Coordinator")
    ICAM_COACH = "icam_coach", _("ICAM coach")
    CENTRE_ADMIN = "centre_admin", _("Centre admin")


class ReminderEmail(models.TextChoices):
    OFF = "off", _("No e-mail: in Casework only")
    IMMEDIATE = "immediate", _("An e-mail for each reminder")
    DAILY = "daily", _("One e-mail a day with the day's reminders")


class User(AbstractUser):
    centre = models.ForeignKey(
        Centre,
        verbose_name=_("centre"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("ICAM coaches belong to a desk, not to a centre."),
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.PROTECT,
        related_name="coordinators",
        null=True,
        blank=True,
        help_text=_("Network coordinators see the anonymised figures of the network's centres."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        help_text=_("Language of the interface; empty follows the browser."),
    )
    reminder_email = models.CharField(
        _("reminders by e-mail"),
        max_length=10,
        choices=ReminderEmail.choices,
        default=ReminderEmail.OFF,
        help_text=_("E-mails name the case reference and link to it, never the client."),
    )
    # Group membership is desk membership for ICAM coaches: it keeps its history too.
    history = HistoricalRecords(excluded_fields=["password", "last_login"], m2m_fields=["groups"])

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, read once per request object."""
        cached = self.__dict__.get("_role_set")
        if cached is None:
            cached = (
                frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            )
            self.__dict__["_role_set"] = cached
        return cached

    def has_role(self, role: str) -> bool:
        return self.is_active and role in self.role_set

    def acts_as(self, role: str) -> bool:
        """Holds ``role`` and can work in it: counsellors and centre admins work inside a
        centre, so without one the role opens nothing."""
        if role in (Role.COUNSELLOR, Role.CENTRE_ADMIN) and self.centre_id is None:
            return False
        return self.has_role(role)

    @property
    def is_counsellor(self) -> bool:
        return self.acts_as(Role.COUNSELLOR)

    @property
    def is_centre_admin(self) -> bool:
        return self.acts_as(Role.CENTRE_ADMIN)

    @property
    def is_coordinator(self) -> bool:
        return self.acts_as(Role.COORDINATOR)

    @property
    def is_icam_coach(self) -> bool:
        return self.acts_as(Role.ICAM_COACH)

    @property
    def coordinates_something(self) -> bool:
        """A coordinator with a centre, or with a network that has centres: they have figures
        to read (the reports decide which)."""
        if not self.is_coordinator:
            return False
        if self.centre_id is not None:
            return True
        return (
            self.network_id is not None
            and Centre.objects.filter(network_id=self.network_id).exists()
        )


class UserRole(models.Model):
    """One role held by a user; a person may hold several. Grants keep their history."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="unique_role_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[override]
        raise PermissionDenied("The access log is append-only.")

    def delete(self):  # type: ignore[override]
        raise PermissionDenied("The access log is append-only.")

    def purge(self) -> int:
        """The one deletion the log allows: entries past the centre's retention period
        (privacy.retention). Returns how many went."""
        return self._raw_delete(self.db)


class AccessLog(models.Model):
    """Append-only record of who read which client file or case, and when."""

    class Kind(models.TextChoices):
        CLIENT = "client", _("Client file")
        CASE = "case", _("Case")
        CLIENT_HISTORY = "client_history", _("Client history")
        CASE_HISTORY = "case_history", _("Case history")
        SESSION = "session", _("Session")
        GOAL = "goal", _("Goal")
        JOURNEY = "journey", _("Journey")
        REFERRAL = "referral", _("Referral")
        EXPORT = "export", _("Subject access export")

    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    centre = models.ForeignKey(
        Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
    # Opaque ids and the pseudonymous reference only: the log itself names no one.
    object_id = models.PositiveBigIntegerField(_("object id"))
    reference = models.CharField(_("reference"), max_length=40)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [models.Index(fields=["centre", "-at"], name="accesslog_centre_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.kind} {self.reference}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The access log is append-only.")


class Heartbeat(models.Model):
    """Last time a periodic process reported in; /healthz reads the beat's tick from here."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%H:%M:%S}"


class BackupCode(models.Model):
    """A single-use code that stands in for the authenticator app once (a lost phone).

    Only a keyed digest is stored, so a database dump alone reveals no usable code."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="unique_backup_code"),
        ]

    def __str__(self) -> str:
        return f"backup code {self.pk} of user {self.user_id}"


class EncryptionCheck(models.Model):
    """A known text encrypted with the field key in use: ``crypto.check_keys`` reads it at
    start to tell a wrong key before any client file is shown."""

    token = models.TextField()

    def __str__(self) -> str:
        return "encryption check"
