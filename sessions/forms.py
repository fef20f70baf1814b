from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import PlainLabelsMixin
from clients.languages import LANGUAGE_CHOICES, sorted_languages

from .models import Goal, GoalStatus, Session
from .services import GOAL_TRANSITIONS, SESSION_FIELDS
from .topics import topic_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SessionForm(PlainLabelsMixin, forms.ModelForm):
    topics = forms.MultipleChoiceField(
        label=_("Information given"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
    )
    new_topic = forms.CharField(
        label=_("Another topic"),
        required=False,
        max_length=120,
        help_text=_("Added to your centre's checklist and ticked for this session."),
    )
    interpreter_language = forms.ChoiceField(
        label=_("Interpreter language"), choices=[("", "—"), *LANGUAGE_CHOICES], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Session
        fields = SESSION_FIELDS
        widgets = {
            "held_on": DATE,
            "next_follow_up": DATE,
            "why_came": forms.Textarea(attrs={"rows": 4}),
            "experienced": forms.Textarea(attrs={"rows": 4}),
            "situation_now": forms.Textarea(attrs={"rows": 4}),
            "future": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "notes": _("Only for you and colleagues with access to the case; never in a report."),
        }

    def __init__(self, *args, centre_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = topic_choices(centre_id)
        # One rule, one message: 1 to 600 minutes (not the integer field's own "at least 0").
        duration = self.fields["duration_minutes"]
        duration.validators = [MinValueValidator(1), MaxValueValidator(600)]
        duration.widget.attrs.update({"min": 1, "max": 600})
        self.fields["interpreter_language"].choices = [("", "—"), *sorted_languages()]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_held_on(self):
        value = self.cleaned_data.get("held_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A session cannot be dated in the future."))
        return value

    def clean(self):
        data = super().clean()
        held_on, follow_up = data.get("held_on"), data.get("next_follow_up")
        if held_on and follow_up and follow_up < held_on:
            self.add_error("next_follow_up", _("The follow-up date cannot be before the session."))
        if data.get("interpreter_language") and not data.get("interpreter_used"):
            data["interpreter_used"] = True
        return data


class GoalForm(PlainLabelsMixin, forms.ModelForm):
    sessions = forms.ModelMultipleChoiceField(
        label=_("Discussed in"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Goal
        fields = ["category", "description", "target_date", "sessions"]
        widgets = {
            "target_date": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sessions of this case can be chosen: another case's id is not a choice.
        self.fields["sessions"].queryset = case.sessions.order_by("-held_on")
        self.fields["sessions"].label_from_instance = lambda s: formats.date_format(
            s.held_on, "SHORT_DATE_FORMAT"
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value and not self.instance.pk and value < timezone.localdate():
            raise forms.ValidationError(_("A new goal's target date cannot be in the past."))
        return value


class GoalStatusForm(PlainLabelsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (s, GoalStatus(s).label) for s in GOAL_TRANSITIONS.get(goal.status, [])
        ]


class ProgressForm(PlainLabelsMixin, forms.Form):
    noted_on = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DATE)
    note = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_noted_on(self):
        value = self.cleaned_data["noted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Progress cannot be dated in the future."))
        return value
