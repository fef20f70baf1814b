from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ErasureReason, RetentionPolicy


class RetentionPolicyForm(forms.ModelForm):
    class Meta:
        model = RetentionPolicy
        fields = ["closed_case_months", "access_log_months"]

    def _at_least(self, name: str, minimum: int) -> int | None:
        value = self.cleaned_data.get(name)
        if value is not None and value < minimum:
            raise forms.ValidationError(
                _("The legal minimum here is %(minimum)s months.") % {"minimum": minimum}
            )
        return value

    def clean_closed_case_months(self) -> int | None:
        return self._at_least("closed_case_months", settings.RETENTION_MINIMUM_MONTHS)

    def clean_access_log_months(self) -> int | None:
        return self._at_least("access_log_months", settings.ACCESS_LOG_MINIMUM_MONTHS)


class ConfirmRunForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I understand that the files listed by the dry run lose their identity and texts "
            "for good, in their history too."
        )
    )


class ErasureForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why"), choices=ErasureReason.choices, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "The client asked for it themselves, and I checked that it is them. Once a centre "
            "admin confirms, their name, details and every text about them are erased for good, "
            "in the history too; their open cases are closed."
        )
    )
