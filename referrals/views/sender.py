"""The sender's side: refer from a case with the client's consent, follow the answer."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.audit import access_record
from casework.errors import RuleBroken, StaleEdit
from casework.forms import rebind_on_current_version
from casework.models import AccessLog
from clients.access import Action, can, get_case_for

from .. import services
from ..access import directory, referral_of, shared_fields
from ..forms import ConsentWithdrawalForm, FeedbackForm, ReferralForm, ReferralStatusForm
from ..history import referral_history_entries
from ..models import ReferralStatus
from .common import apply_status_form, referral_events


def _writable_case(request: HttpRequest, pk: int):
    case = get_case_for(request.user, pk, Action.CHANGE)
    if case.is_closed:
        raise PermissionDenied
    return case


def _partners(request: HttpRequest):
    return directory(request.user).filter(is_active=True).order_by("domain", "name")


def _log(request: HttpRequest, referral, case) -> None:
    access_record(user=request.user, kind=AccessLog.Kind.REFERRAL, record=case, obj_id=referral.pk)


@login_required
def referral_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    initial = {}
    partner = request.GET.get("partner", "")
    if re.fullmatch(r"[0-9]{1,18}", partner):
        initial["partner"] = int(partner)
    form = ReferralForm(
        request.POST or None, initial=initial, case=case, partners=_partners(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                actor=request.user,
                case=case,
                data=form.cleaned_data,
                send="send" in request.POST,
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("The referral was sent.")
                if referral.status == ReferralStatus.SENT
                else _("The referral was saved as a draft."),
            )
            return redirect("referral_detail", pk=case.pk, referral_pk=referral.pk)
    return render(request, "referrals/referral_form.html", {"case": case, "form": form})


@login_required
def referral_edit(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    referral = referral_of(case, referral_pk)
    if referral.status != ReferralStatus.DRAFT:
        raise PermissionDenied
    form = ReferralForm(
        request.POST or None, instance=referral, case=case, partners=_partners(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_update(
                actor=request.user,
                referral=referral,
                data=form.cleaned_data,
                version=form.cleaned_data["version"] or 0,
                send="send" in request.POST,
            )
        except StaleEdit as error:
            messages.error(request, error.message)
            form = rebind_on_current_version(
                ReferralForm,
                request,
                instance=referral_of(case, referral_pk),
                case=case,
                partners=_partners(request),
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The referral was saved."))
            return redirect("referral_detail", pk=case.pk, referral_pk=referral.pk)
    return render(
        request, "referrals/referral_form.html", {"case": case, "form": form, "referral": referral}
    )


def _referral_page(request: HttpRequest, case, referral, **forms) -> HttpResponse:
    can_change = can(request.user, case, Action.CHANGE) and not case.is_closed
    on_behalf = not referral.partner.answers_in_casework
    moves = []
    if can_change:
        roles = [services.SENDER, services.RECEIVER] if on_behalf else [services.SENDER]
        moves = [m for role in roles for m in services.allowed_moves(referral, role)]
        moves = [m for m in ReferralStatus.values if m in moves]
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "case": case,
            "referral": referral,
            "shared": shared_fields(referral),
            "events": referral_events(referral, with_reasons=True),
            "feedback": referral.feedback.select_related("author"),
            "can_change": can_change,
            "on_behalf": on_behalf,
            "status_form": forms.get("status_form")
            or (
                ReferralStatusForm(moves=moves, initial={"version": referral.version})
                if moves
                else None
            ),
            "feedback_form": forms.get("feedback_form")
            or (FeedbackForm(on_behalf=True) if can_change and on_behalf else None),
            "withdraw_form": forms.get("withdraw_form")
            or (
                ConsentWithdrawalForm()
                if can(request.user, case, Action.CHANGE) and not referral.consent_withdrawn
                else None
            ),
        },
    )


@login_required
def referral_detail(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    referral = referral_of(case, referral_pk)
    _log(request, referral, case)
    return _referral_page(request, case, referral)


@login_required
@require_POST
def referral_status(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    referral = referral_of(case, referral_pk)
    form, done = apply_status_form(request, referral, as_sender=True)
    if done:
        messages.success(request, _("The referral's status was changed."))
    if done is not None:
        return redirect("referral_detail", pk=case.pk, referral_pk=referral.pk)
    return _referral_page(request, case, referral, status_form=form)


@login_required
@require_POST
def referral_feedback(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = _writable_case(request, pk)
    referral = referral_of(case, referral_pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_add(
                actor=request.user,
                referral=referral,
                text=form.cleaned_data["text"],
                as_sender=True,
            )
        except RuleBroken as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The partner's feedback was recorded."))
            return redirect("referral_detail", pk=case.pk, referral_pk=referral.pk)
    return _referral_page(request, case, referral, feedback_form=form)


@login_required
@require_POST
def referral_withdraw_consent(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    # Withdrawing consent must stay possible on a closed case too.
    case = get_case_for(request.user, pk, Action.CHANGE)
    referral = referral_of(case, referral_pk)
    form = ConsentWithdrawalForm(request.POST)
    if form.is_valid():
        try:
            services.referral_withdraw_consent(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except RuleBroken as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Consent was withdrawn: the receiver no longer has access.")
            )
            return redirect("referral_detail", pk=case.pk, referral_pk=referral.pk)
    return _referral_page(request, case, referral, withdraw_form=form)


@login_required
def referral_sheet(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """The printable sheet for a partner outside Casework: the consented fields only."""
    case = get_case_for(request.user, pk)
    referral = referral_of(case, referral_pk)
    if referral.status == ReferralStatus.DRAFT or referral.consent_withdrawn:
        raise PermissionDenied
    _log(request, referral, case)
    return render(
        request,
        "referrals/referral_sheet.html",
        {
            "referral": referral,
            "shared": shared_fields(referral),
            "centre": case.centre,
            "sender": referral.created_by,
        },
    )


@login_required
def referral_history(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    referral = referral_of(case, referral_pk)
    _log(request, referral, case)
    return render(
        request,
        "sessions/history.html",
        {
            "case": case,
            "title": _("History of the referral"),
            "back": reverse("referral_detail", kwargs={"pk": case.pk, "referral_pk": referral.pk}),
            "entries": referral_history_entries(referral),
        },
    )
