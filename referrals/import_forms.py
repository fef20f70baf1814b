"""The upload form of the partner directory import."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from casework.forms import PlainLabelsMixin

from .importing import MAX_BYTES


class PartnerImportForm(PlainLabelsMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": _("Choose the spreadsheet to import."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received: choose the spreadsheet again."),
        },
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        # Refused before it is read into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."),
                params={"limit": MAX_BYTES // (1024 * 1024)},
            )
        return upload
