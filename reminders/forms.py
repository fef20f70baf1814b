from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.forms import PlainLabelsMixin
from casework.models import ReminderEmail

from .models import Kind


class EmailPreferenceForm(PlainLabelsMixin, forms.Form):
    reminder_email = forms.ChoiceField(
        label=_("Reminders by e-mail"),
        choices=ReminderEmail.choices,
        widget=forms.RadioSelect,
        help_text=_("E-mails name the case reference and link to it, never the client."),
    )


class ReminderSettingsForm(PlainLabelsMixin, forms.Form):
    """Per kind: how many days before the date, and at what time of day."""

    def __init__(self, *args, current: dict[str, tuple[int, datetime.time]], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            lead, at = current.get(kind, (0, datetime.time(8, 0)))
            self.fields[f"{kind}_lead"] = forms.IntegerField(
                label=_("%(kind)s: days before") % {"kind": label},
                min_value=0,
                max_value=30,
                initial=lead,
            )
            self.fields[f"{kind}_at"] = forms.TimeField(
                label=_("%(kind)s: at") % {"kind": label},
                initial=at,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )

    def values(self) -> dict[str, tuple[int, datetime.time]]:
        return {
            kind: (self.cleaned_data[f"{kind}_lead"], self.cleaned_data[f"{kind}_at"])
            for kind in Kind.values
        }
