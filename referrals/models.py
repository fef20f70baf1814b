"""The partner directory, referrals from a case with the client's consent, and desk access."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connections, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from casework.models import Network
from clients.languages import LANGUAGE_NAMES
from clients.models import Case
from sessions.models import Goal


class Domain(models.TextChoices):
    LANGUAGE_CLASSES = "language_classes", _("Language classes")
    ORIENTATION = "orientation", _("Orientation on arrival")
    LEISURE = "leisure", _("Leisure and social contact")
    DIASPORA = "diaspora", _("Diaspora organisation")
    LEGAL_AID = "legal_aid", _("Legal aid")
    TRAINING_WORK = "training_work", _("Training and work")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    RETURN = "return", _("Return and reintegration")
    ICAM_DESK = "icam_desk", _("ICAM desk")


class Province(models.TextChoices):
    """Belgian provinces and the capital region, by their ISO 3166-2:BE codes."""

    BRUSSELS = "BRU", _("Brussels-Capital Region")
    ANTWERP = "VAN", _("Antwerp")
    LIMBURG = "VLI", _("Limburg")
    EAST_FLANDERS = "VOV", _("East Flanders")
    FLEMISH_BRABANT = "VBR", _("Flemish Brabant")
    WEST_FLANDERS = "VWV", _("West Flanders")
    WALLOON_BRABANT = "WBR", _("Walloon Brabant")
    HAINAUT = "WHT", _("Hainaut")
    LIEGE = "WLG", _("Liège")
    LUXEMBOURG = "WLX", _("Luxembourg")
    NAMUR = "WNA", _("Namur")


class PartnerQuerySet(models.QuerySet):
    """Filters on the code lists, stored as JSON arrays of codes.

    On PostgreSQL a containment test (``@>``), served by the GIN indexes of migration 0002; on
    the embedded SQLite, which has no JSON containment, a match on the quoted code — a whole
    element, so exact — over the few rows the (network, domain) index leaves.
    """

    def _has(self, field: str, code: str) -> PartnerQuerySet:
        if connections[self.db].vendor == "postgresql":
            return self.filter(**{f"{field}__contains": [code]})
        return self.filter(**{f"{field}__icontains": f'"{code}"'})

    def serving(self, province: str) -> PartnerQuerySet:
        return self._has("provinces", province)

    def speaking(self, language: str) -> PartnerQuerySet:
        return self._has("languages", language)


class Partner(models.Model):
    """An organisation in a network's directory; an ICAM desk is a partner whose coaches sign in."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="partners"
    )
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    provinces = models.JSONField(_("provinces or regions served"), default=list)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    welcomes_undocumented = models.BooleanField(_("undocumented people welcome"), default=False)
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    accessibility = models.TextField(_("accessibility remarks"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive partners stay on past referrals only.")
    )
    # The coaches of an ICAM desk: referrals to the desk are granted to this group.
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="desk"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PartnerQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                "network", Lower("name"), name="unique_partner_name_per_network"
            ),
        ]
        indexes = [
            models.Index(fields=["network", "domain", "name"], name="partner_directory"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def province_names(self) -> list[str]:
        labels = dict(Province.choices)
        return [str(labels.get(code, code)) for code in self.provinces]

    @property
    def language_names(self) -> list[str]:
        return [str(LANGUAGE_NAMES.get(code, code)) for code in self.languages]

    @property
    def is_desk(self) -> bool:
        return self.domain == Domain.ICAM_DESK

    @property
    def answers_in_casework(self) -> bool:
        """A desk whose coaches answer here; other partners' answers are recorded for them."""
        return self.is_desk and self.group_id is not None


class ReferralType(models.TextChoices):
    TRAINING = "training", _("Training")
    REGULARISATION = "regularisation", _("Regularisation procedure or legal aid")
    RETURN = "return", _("Voluntary return and reintegration")
    ICAM = "icam", _("ICAM coaching")
    LANGUAGE = "language", _("Language course")
    HEALTH = "health", _("Health")
    SHELTER = "shelter", _("Shelter")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")


# What a client may consent to share with the receiver, in the order the receiver reads it.
SHAREABLE_FIELDS = [
    ("first_name", _("First name")),
    ("country_of_origin", _("Country of origin")),
    ("languages", _("Languages")),
    ("residence_situation", _("Residence situation")),
    ("goal", _("The goal it serves")),
    ("phone", _("Contact phone")),
]
SHAREABLE_FIELD_CODES = [code for code, _label in SHAREABLE_FIELDS]


class Referral(models.Model):
    """A referral from a case to a partner, readable by the receiver only as far as consented."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="referrals"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("to"), on_delete=models.PROTECT, related_name="referrals"
    )
    type = models.CharField(_("type"), max_length=20, choices=ReferralType.choices)
    purpose = models.TextField(
        _("purpose"), help_text=_("The receiver reads this: write no name and no story.")
    )
    goal = models.ForeignKey(
        Goal,
        verbose_name=_("goal it serves"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    answer_due = models.DateField(_("answer expected by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    # The client's consent: which fields the receiver may read, when and how it was given.
    consent_fields = models.JSONField(_("fields the client consented to share"), default=list)
    consent_given_on = models.DateField(_("consent given on"), null=True)
    consent_method = models.CharField(
        _("consent given"), max_length=10, choices=ConsentMethod.choices
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["case", "-created_at"], name="referral_case"),
            models.Index(fields=["partner", "status"], name="referral_partner_status"),
            models.Index(fields=["answer_due"], name="referral_answer_due"),
            models.Index(fields=["sent_at"], name="referral_sent"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """An opaque handle the receiver may read: it does not lead back to the client file."""
        return f"R-{self.pk:06d}" if self.pk else ""

    @property
    def centre_id(self) -> int:
        return self.case.centre_id

    @property
    def consent_withdrawn(self) -> bool:
        return self.consent_withdrawn_at is not None

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def consent_labels(self) -> list[str]:
        labels = dict(SHAREABLE_FIELDS)
        return [str(labels[code]) for code in self.consent_fields if code in labels]


FINISHED = frozenset({ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED})


class ReferralFeedback(models.Model):
    """A note from the receiver (or recorded for a partner outside Casework) the sender reads."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="feedback")
    text = models.TextField(_("feedback"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    on_behalf_of_partner = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.referral} {self.created_at:%Y-%m-%d %H:%M}"


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    """A referral addressed to a desk (guardian direct foreign key: indexed, cascades)."""

    content_object = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="group_grants"
    )
    history = HistoricalRecords()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("desk access to a referral")
        verbose_name_plural = _("desk access to referrals")
