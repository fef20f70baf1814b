"""The centre admin's data-protection page: retention periods, dry and real runs."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.models import Role
from casework.roles import role_required

from . import retention
from .forms import ConfirmRunForm, RetentionPolicyForm
from .models import RetentionPolicy, RetentionRun
from .tasks import apply_retention_of


@role_required(Role.CENTRE_ADMIN)
def policy(request: HttpRequest) -> HttpResponse:
    admin = request.user
    current = RetentionPolicy.objects.filter(centre_id=admin.centre_id).first()
    form = RetentionPolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        retention.policy_save(actor=admin, policy=form.save(commit=False))
        messages.success(request, _("The retention periods were saved."))
        return redirect("retention_policy")
    runs = RetentionRun.objects.filter(centre_id=admin.centre_id)[:10]
    context = {"form": form, "policy": current, "runs": runs, "confirm": ConfirmRunForm()}
    return render(request, "privacy/retention.html", context)


@role_required(Role.CENTRE_ADMIN)
@require_POST
def dry_run(request: HttpRequest) -> HttpResponse:
    admin = request.user
    current = get_object_or_404(RetentionPolicy, centre_id=admin.centre_id)
    record = retention.run(current, dry_run=True, actor=admin)
    return redirect("retention_run", pk=record.pk)


@role_required(Role.CENTRE_ADMIN)
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    admin = request.user
    current = get_object_or_404(RetentionPolicy, centre_id=admin.centre_id)
    if not ConfirmRunForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm: the anonymisation cannot be undone."))
        return redirect("retention_policy")
    apply_retention_of.delay(current.pk, admin.pk)
    messages.success(
        request, _("The retention run has started; its report appears below when it is done.")
    )
    return redirect("retention_policy")


@role_required(Role.CENTRE_ADMIN)
def run_report(request: HttpRequest, pk: int) -> HttpResponse:
    admin = request.user
    record = get_object_or_404(RetentionRun, pk=pk, centre_id=admin.centre_id)
    return render(request, "privacy/retention_run.html", {"run": record})
