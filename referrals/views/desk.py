"""The ICAM coach's side: the referrals addressed to their desks, read as far as consented."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.audit import access_record
from casework.errors import RuleBroken
from casework.models import AccessLog, Role
from casework.paging import paginate
from casework.roles import role_required

from .. import services
from ..access import desk_referrals, desks_of, get_desk_referral_for, shared_fields
from ..forms import FeedbackForm, ReferralStatusForm
from ..models import ReferralStatus
from .common import apply_status_form, referral_events

# What a coach filters the desk's list on; "open" is everything still waiting for the desk.
OPEN = (ReferralStatus.SENT, ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)


@role_required(Role.ICAM_COACH)
def desk_home(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "open")
    referrals = desk_referrals(request.user).select_related("partner")
    if show != "all":
        show = "open"
        referrals = referrals.filter(status__in=OPEN)
    referrals = referrals.order_by("answer_due", "sent_at", "id")
    page, query = paginate(request, referrals, settings.CASEWORK_PAGE_SIZE)
    return render(
        request,
        "referrals/desk_home.html",
        {"page": page, "query": query, "show": show, "desks": list(desks_of(request.user))},
    )


def _desk_page(request: HttpRequest, referral, **forms) -> HttpResponse:
    moves = services.allowed_moves(referral, services.RECEIVER)
    return render(
        request,
        "referrals/desk_referral.html",
        {
            "referral": referral,
            "shared": shared_fields(referral),
            "events": referral_events(referral, with_reasons=False),
            "feedback": referral.feedback.select_related("author"),
            "status_form": forms.get("status_form")
            or (
                ReferralStatusForm(moves=moves, initial={"version": referral.version})
                if moves
                else None
            ),
            "feedback_form": forms.get("feedback_form")
            or (FeedbackForm() if referral.status != ReferralStatus.DRAFT else None),
        },
    )


def _referral(request: HttpRequest, pk: int):
    referral = get_desk_referral_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.REFERRAL, record=referral)
    return referral


@login_required
def desk_referral(request: HttpRequest, pk: int) -> HttpResponse:
    return _desk_page(request, _referral(request, pk))


@login_required
@require_POST
def desk_referral_status(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_desk_referral_for(request.user, pk)
    form, done = apply_status_form(request, referral, as_sender=False)
    if done is False:
        return redirect("desk_referral", pk=referral.pk)
    if done:
        messages.success(request, _("Your answer was recorded."))
        # A declined or cancelled referral is closed to the desk: back to the list.
        if desk_referrals(request.user).filter(pk=referral.pk).exists():
            return redirect("desk_referral", pk=referral.pk)
        return redirect("desk_home")
    # The page is shown again: read it afresh (consent may have been withdrawn meanwhile).
    return _desk_page(request, _referral(request, pk), status_form=form)


@login_required
@require_POST
def desk_referral_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_desk_referral_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_add(
                actor=request.user,
                referral=referral,
                text=form.cleaned_data["text"],
                as_sender=False,
            )
        except RuleBroken as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your feedback was sent to the counsellor."))
            return redirect("desk_referral", pk=referral.pk)
    return _desk_page(request, _referral(request, pk), feedback_form=form)
