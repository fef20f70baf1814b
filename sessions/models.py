"""Counselling sessions (the four reflection questions) and the goals a client sets."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from casework.models import Centre
from clients.models import Case

# The four questions of the migration-orientation method, in the order they are asked.
REFLECTION_QUESTIONS = [
    ("why_came", _("Why did you come to Belgium?")),
    ("experienced", _("What have you experienced until now?")),
    ("situation_now", _("What is your situation now?")),
    ("future", _("What do you want to realise in the future?")),
]


class InfoTopic(models.Model):
    """A topic a centre added to the built-in checklist of information given (topics.py)."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="info_topics")
    label = models.CharField(_("topic"), max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]
        verbose_name = _("information topic")
        verbose_name_plural = _("information topics")
        constraints = [
            models.UniqueConstraint(fields=["centre", "label"], name="unique_topic_per_centre"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def code(self) -> str:
        return f"custom-{self.pk}"


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class Session(models.Model):
    """One counselling conversation within a case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    mode = models.CharField(
        _("mode"), max_length=12, choices=SessionMode.choices, default=SessionMode.IN_PERSON
    )
    interpreter_used = models.BooleanField(_("interpreter used"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=8, blank=True)
    why_came = models.TextField(REFLECTION_QUESTIONS[0][1], blank=True)
    experienced = models.TextField(REFLECTION_QUESTIONS[1][1], blank=True)
    situation_now = models.TextField(REFLECTION_QUESTIONS[2][1], blank=True)
    future = models.TextField(REFLECTION_QUESTIONS[3][1], blank=True)
    topics = models.JSONField(_("information given"), default=list, blank=True)
    notes = models.TextField(_("confidential notes"), blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["case", "held_on"], name="session_case_date"),
            models.Index(fields=["next_follow_up"], name="session_follow_up"),
            models.Index(fields=["held_on"], name="session_held_on"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} · {self.held_on:%Y-%m-%d}"


class GoalCategory(models.TextChoices):
    LEGAL_STAY = "legal_stay", _("Legal stay / regularisation")
    TRAINING = "training", _("Training and skills")
    RETURN = "return", _("Voluntary return and reintegration")
    ONWARD = "onward", _("Onward migration")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    LANGUAGE = "language", _("Language")
    LIVELIHOOD = "livelihood", _("Livelihood")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    ABANDONED = "abandoned", _("Abandoned")


class Goal(models.Model):
    """What the client wants to achieve, in their own words."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="goals"
    )
    category = models.CharField(_("category"), max_length=20, choices=GoalCategory.choices)
    description = models.TextField(_("in the client's words"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    sessions = models.ManyToManyField(
        Session, verbose_name=_("discussed in"), related_name="goals", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[sessions])

    class Meta:
        ordering = ["status", "target_date", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [
            models.Index(fields=["case", "status"], name="goal_case_status"),
            models.Index(fields=["target_date"], name="goal_target"),
            models.Index(fields=["created_at"], name="goal_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} · {self.get_category_display()}"


class GoalProgress(models.Model):
    """A dated note of progress on a goal."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    noted_on = models.DateField(_("date"), default=timezone.localdate)
    note = models.TextField(_("progress"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["noted_on", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.goal} · {self.noted_on:%Y-%m-%d}"


class SessionDraft(models.Model):
    """Text a counsellor is typing in a session form, saved as they type.

    A draft is the author's own working copy, never a record of the case: only its author
    reads it, it is restored into the form after a timed-out login, and it is deleted when the
    session is saved or the draft discarded. It keeps no history (it changes every few seconds).
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_drafts"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    # Empty for a session not saved yet; set when editing an existing one.
    session = models.ForeignKey(Session, on_delete=models.CASCADE, null=True, blank=True)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["author", "case"],
                condition=models.Q(session__isnull=True),
                name="one_new_session_draft_per_case",
            ),
            models.UniqueConstraint(
                fields=["author", "session"],
                condition=models.Q(session__isnull=False),
                name="one_draft_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"draft {self.pk}"
