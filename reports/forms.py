from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .periods import PARTS, Period, part_label, years
from .queries import CLOSING_BREAKDOWNS
from .scope import Scope

KNOWN = {"centre", "year", "part", "by"}


class ReportFilter(forms.Form):
    """The dashboard's choices. Every one is a fixed list: no free text reaches a query."""

    # Not a choice field: a centre that is not the coordinator's is a 404, not a message.
    centre = forms.CharField(label=_("Centre"), required=False, widget=forms.Select)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    part = forms.ChoiceField(label=_("Period"), required=False)
    by = forms.ChoiceField(
        label=_("Break down by"),
        required=False,
        choices=[(b.code, b.label) for b in CLOSING_BREAKDOWNS],
    )

    def __init__(self, *args, scope: Scope, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope, self.today = scope, today
        centres = [(c.code, c.name) for c in scope.centres]
        if scope.network is not None:
            centres.insert(0, ("", _("All centres of %(network)s") % {"network": scope.network}))
        self.fields["centre"].widget.choices = centres
        # The current year too, in January: asked for, it is told it has not ended yet.
        offered = sorted({today.year, *years(today)}, reverse=True)
        self.fields["year"].choices = [(y, str(y)) for y in offered]
        self.fields["part"].choices = [(code, part_label(code)) for code, _label in PARTS]
        self.unknown = sorted(set(self.data) - KNOWN) if self.is_bound else []

    @staticmethod
    def year_asked(data, today: date) -> int:
        """The year asked for when it is one of the choices, else the default: the centres a
        coordinator may choose depend on it (``scope.units_of``)."""
        try:
            year = int(data.get("year") or 0)
        except (TypeError, ValueError):
            year = 0
        return year if year in years(today) else years(today)[0]

    def clean_centre(self):
        code = self.cleaned_data["centre"] or self.scope.default_code
        self.scope.centre(code)  # a centre that is not theirs: 404, not a message
        return code

    def clean_year(self):
        return self.cleaned_data["year"] or years(self.today)[0]

    def clean_part(self):
        return self.cleaned_data["part"] or "year"

    def clean_by(self):
        return self.cleaned_data["by"] or CLOSING_BREAKDOWNS[0].code

    def clean(self):
        cleaned = super().clean()
        if "year" in cleaned and "part" in cleaned:
            period = Period(cleaned["year"], cleaned["part"])
            if not period.ended_months(self.today):
                raise forms.ValidationError(
                    _(
                        "%(period)s has not ended yet. Figures are published for whole months "
                        "once they are over."
                    ),
                    params={"period": period.label()},
                    code="not_ended",
                )
            cleaned["period"] = period
        return cleaned

    def selection(self) -> tuple[str, Period, str]:
        """The valid choices, and the defaults for whatever is missing or wrong."""
        data = self.cleaned_data if self.is_bound else {}
        return (
            data.get("centre", self.scope.default_code),
            data.get("period", Period(years(self.today)[0])),
            data.get("by", CLOSING_BREAKDOWNS[0].code),
        )
