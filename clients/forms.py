from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import PlainLabelsMixin
from casework.models import Role, User

from .languages import LANGUAGE_CHOICES, sorted_languages
from .models import CaseOutcome, CaseStatus, Client
from .services import CLIENT_EDITABLE_FIELDS, allowed_transitions


class ClientForm(PlainLabelsMixin, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = CLIENT_EDITABLE_FIELDS
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "first_name": _("Optional: many clients give only a first name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        # Sorted in the reader's language, so Dutch and French lists read alphabetically too.
        self.fields["languages"].choices = sorted_languages()
        for name in ("gender", "country_of_origin", "residence_situation"):
            choices = list(self.fields[name].choices)
            if choices and choices[0][0] == "":
                self.fields[name].choices = [("", _("Not recorded")), *choices[1:]]

    def clean_birth_date(self):
        value = self.cleaned_data.get("birth_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return value

    def clean_year_of_arrival(self):
        value = self.cleaned_data.get("year_of_arrival")
        if value and value > timezone.localdate().year:
            raise forms.ValidationError(_("The year of arrival cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        birth, arrival = data.get("birth_date"), data.get("year_of_arrival")
        if birth and arrival and arrival < birth.year:
            self.add_error("year_of_arrival", _("The year of arrival is before the birth date."))
        return data


class StatusForm(PlainLabelsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", "—"), *CaseOutcome.choices],
        required=False,
        help_text=_("Needed to close the case."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, current_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        # No preselected step: one careless click must not move a case backwards.
        self.fields["status"].choices = [
            ("", _("Choose…")),
            *((s, CaseStatus(s).label) for s in allowed_transitions(current_status)),
        ]

    def clean(self):
        data = super().clean()
        if data.get("status") == CaseStatus.CLOSED and not data.get("outcome"):
            self.add_error("outcome", _("Choose the outcome to close the case."))
        return data


def colleagues_of(centre_id: int, *, exclude: list[int]) -> forms.models.QuerySet:
    """Active counsellors of a centre (the only people a case may go to)."""
    return (
        User.objects.filter(centre_id=centre_id, is_active=True, roles__role=Role.COUNSELLOR)
        .exclude(pk__in=exclude)
        .distinct()
    )


class ShareForm(PlainLabelsMixin, forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("Colleague"), queryset=User.objects.none(), empty_label=_("Choose a colleague")
    )
    level = forms.ChoiceField(
        label=_("Access"),
        choices=[("view", _("Read only")), ("change", _("Read and edit"))],
        initial="view",
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues_of(
            case.centre_id, exclude=[case.assigned_to_id]
        )


class TransferForm(PlainLabelsMixin, forms.Form):
    to_user = forms.ModelChoiceField(
        label=_("New counsellor"),
        queryset=User.objects.none(),
        empty_label=_("Choose a counsellor"),
    )
    keep_access = forms.BooleanField(
        label=_("Keep read access for me"), required=False, initial=False
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = colleagues_of(
            case.centre_id, exclude=[case.assigned_to_id]
        )


class CaseloadFilterForm(PlainLabelsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open cases")), *CaseStatus.choices, ("all", _("All cases"))],
    )


class CaseSearchForm(PlainLabelsMixin, forms.Form):
    q = forms.CharField(
        label=_("Reference or first name"),
        help_text=_("Part of a reference, or a whole first name (names are encrypted)."),
        max_length=60,
        min_length=2,
        strip=True,
    )
