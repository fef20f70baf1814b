from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.forms import PlainLabelsMixin
from casework.models import Role, User
from clients.languages import LANGUAGE_CHOICES, sorted_languages

from .models import (
    SHAREABLE_FIELDS,
    ConsentMethod,
    Domain,
    Partner,
    Province,
    Referral,
    ReferralStatus,
)
from .services import PARTNER_FIELDS, REASON_OWED, RESULT_OWED

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DirectoryFilterForm(forms.Form):
    """The directory's filters, read from the query string (organisations, not people)."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    province = forms.ChoiceField(label=_("Province or region"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    undocumented = forms.BooleanField(label=_("Undocumented people welcome"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        anything = [("", _("Any"))]
        self.fields["domain"].choices = anything + list(Domain.choices)
        self.fields["province"].choices = anything + list(Province.choices)
        self.fields["language"].choices = anything + sorted_languages()

    def filter(self, partners):
        if not self.is_valid():
            return partners
        data = self.cleaned_data
        if data["q"]:
            partners = partners.filter(name__icontains=data["q"])
        if data["domain"]:
            partners = partners.filter(domain=data["domain"])
        if data["province"]:
            partners = partners.serving(data["province"])
        if data["language"]:
            partners = partners.speaking(data["language"])
        if data["undocumented"]:
            partners = partners.filter(welcomes_undocumented=True)
        return partners


class PartnerForm(PlainLabelsMixin, forms.ModelForm):
    provinces = forms.MultipleChoiceField(
        label=_("Provinces or regions served"),
        choices=Province.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = PARTNER_FIELDS
        widgets = {"accessibility": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages"].choices = sorted_languages()


class ReferralForm(PlainLabelsMixin, forms.ModelForm):
    consent_fields = forms.MultipleChoiceField(
        label=_("The client consents to share"),
        choices=SHAREABLE_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Record which fields the client consented to share (at least one).")
        },
        help_text=_("The receiver sees these fields and nothing else of the client file."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        fields = (
            "partner",
            "type",
            "goal",
            "purpose",
            "answer_due",
            "consent_fields",
            "consent_given_on",
            "consent_method",
        )
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "answer_due": DATE_INPUT,
            "consent_given_on": DATE_INPUT,
            "consent_method": forms.RadioSelect,
        }

    def __init__(self, *args, case, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["goal"].queryset = case.goals.all()
        self.fields["goal"].empty_label = _("No particular goal")
        self.fields["consent_given_on"].required = True
        self.fields["consent_method"].choices = list(ConsentMethod.choices)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            self.initial.setdefault("consent_given_on", timezone.localdate())

    def clean_consent_given_on(self):
        value = self.cleaned_data.get("consent_given_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Consent cannot be dated in the future."))
        return value

    def clean_answer_due(self):
        value = self.cleaned_data.get("answer_due")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The answer cannot be expected in the past."))
        return value


class ReferralStatusForm(PlainLabelsMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to decline or cancel."),
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed to complete."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, moves: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—")] + [
            (to, ReferralStatus(to).label) for to in moves
        ]
        if not any(to in REASON_OWED for to in moves):
            del self.fields["reason"]
        if not any(to in RESULT_OWED for to in moves):
            del self.fields["result"]


class FeedbackForm(PlainLabelsMixin, forms.Form):
    text = forms.CharField(
        label=_("Feedback"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("The counsellor reads this on the case."),
    )

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["text"].label = _("The partner's feedback")
            self.fields["text"].help_text = _("What the partner told you, in its words.")


class ConsentWithdrawalForm(PlainLabelsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("The receiver loses access at once; the referral is cancelled."),
    )


class DeskCoachForm(PlainLabelsMixin, forms.Form):
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=User.objects.none())

    def __init__(self, *args, desk: Partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = (
            User.objects.filter(is_active=True, centre__isnull=True, roles__role=Role.ICAM_COACH)
            .exclude(groups__desk=desk)
            .order_by("first_name", "last_name", "username")
        )
