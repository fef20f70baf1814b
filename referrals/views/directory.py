"""The partner directory: browse and filter (counsellors, centre admins), maintain (centre
admins), and the coaches of an ICAM desk."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import RuleBroken
from casework.models import User
from casework.paging import paginate

from .. import services
from ..access import (
    can_maintain_directory,
    directory,
    get_partner_for,
    require_directory_reader,
    require_maintainer,
)
from ..forms import DeskCoachForm, DirectoryFilterForm, PartnerForm
from ..history import partner_history_entries


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    require_directory_reader(request.user)
    filters = DirectoryFilterForm(request.GET or None)
    partners = directory(request.user)
    if not (filters.is_bound and filters.is_valid() and request.GET.get("inactive")):
        partners = partners.filter(is_active=True)
    partners = filters.filter(partners)
    page, query = paginate(request, partners, settings.CASEWORK_PAGE_SIZE)
    return render(
        request,
        "referrals/partner_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_maintain": can_maintain_directory(request.user),
        },
    )


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_directory_reader(request.user)
    partner = get_partner_for(request.user, pk)
    maintainer = can_maintain_directory(request.user)
    coaches = (
        list(partner.group.user_set.order_by("first_name", "last_name"))
        if maintainer and partner.group_id
        else []
    )
    return render(
        request,
        "referrals/partner_detail.html",
        {
            "partner": partner,
            "can_maintain": maintainer,
            "coaches": coaches,
            "coach_form": DeskCoachForm(desk=partner) if maintainer and partner.is_desk else None,
        },
    )


@login_required
def partner_create(request: HttpRequest) -> HttpResponse:
    return _partner_form(request, None)


@login_required
def partner_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_partner_for(request.user, pk)
    require_maintainer(request.user)
    return _partner_form(request, partner)


def _partner_form(request: HttpRequest, partner) -> HttpResponse:
    network = require_maintainer(request.user)
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.partner_save(
                actor=request.user,
                network=network,
                partner=get_partner_for(request.user, partner.pk) if partner else None,
                data=form.cleaned_data,
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The partner was saved."))
            return redirect("partner_detail", pk=saved.pk)
    return render(request, "referrals/partner_form.html", {"form": form, "partner": partner})


@login_required
def partner_history(request: HttpRequest, pk: int) -> HttpResponse:
    partner = get_partner_for(request.user, pk)
    require_maintainer(request.user)
    return render(
        request,
        "referrals/partner_history.html",
        {"partner": partner, "entries": partner_history_entries(partner)},
    )


@login_required
@require_POST
def desk_coach_add(request: HttpRequest, pk: int) -> HttpResponse:
    desk = get_partner_for(request.user, pk)
    require_maintainer(request.user)
    if not desk.is_desk:
        raise Http404("Not a desk.")
    form = DeskCoachForm(request.POST, desk=desk)
    if form.is_valid():
        try:
            services.desk_coach_add(actor=request.user, desk=desk, coach=form.cleaned_data["coach"])
        except RuleBroken as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The coach was added to the desk."))
    else:
        messages.error(request, _("Choose a coach."))
    return redirect("partner_detail", pk=desk.pk)


@login_required
@require_POST
def desk_coach_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    desk = get_partner_for(request.user, pk)
    require_maintainer(request.user)
    if not desk.group_id:
        raise Http404("Not a desk.")
    try:
        coach = desk.group.user_set.get(pk=user_pk)
    except User.DoesNotExist:
        raise Http404("Not a coach of this desk.") from None
    services.desk_coach_remove(actor=request.user, desk=desk, coach=coach)
    messages.success(request, _("The coach was removed from the desk."))
    return redirect("partner_detail", pk=desk.pk)
