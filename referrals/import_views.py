"""The centre admin's import of the partner directory from a spreadsheet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from casework.errors import RuleBroken

from .access import require_maintainer
from .import_forms import PartnerImportForm
from .importing import MAX_ROWS, partners_import


@login_required
def partner_import(request: HttpRequest) -> HttpResponse:
    network = require_maintainer(request.user)
    report = None
    if request.method == "POST":
        form = PartnerImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = partners_import(
                    actor=request.user, network=network, data=upload.read(), filename=upload.name
                )
            except RuleBroken as error:
                form.add_error(None, error.message)
            if report is not None and report.ok:
                messages.success(
                    request,
                    _(
                        "The directory was imported: %(created)s partners added, "
                        "%(updated)s updated, %(unchanged)s unchanged."
                    )
                    % {
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                    },
                )
                return redirect("partner_list")
    else:
        form = PartnerImportForm()
    return render(
        request,
        "referrals/partner_import.html",
        {"form": form, "report": report, "network": network, "max_rows": MAX_ROWS},
    )
