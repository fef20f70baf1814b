"""Goal pages: set, read, edit, change status with a reason, progress, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import RuleBroken, StaleEdit
from casework.forms import rebind_on_current_version
from casework.models import AccessLog
from clients.access import Action, can, get_case_for

from .. import services
from ..access import get_open_case_for, goal_of
from ..forms import GoalForm, GoalStatusForm, ProgressForm
from ..history import goal_history_entries
from .records import log_read


@login_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
    form = GoalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_set(
                actor=request.user,
                case=case,
                data=form.cleaned_data,
                sessions=form.cleaned_data["sessions"],
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal was set."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return render(request, "sessions/goal_form.html", {"case": case, "form": form})


def _goal_page(request, case, goal, **forms) -> HttpResponse:
    can_change = can(request.user, case, Action.CHANGE) and not case.is_closed
    return render(
        request,
        "sessions/goal_detail.html",
        {
            "case": case,
            "goal": goal,
            "progress": goal.progress.select_related("created_by"),
            "sessions": goal.sessions.all(),
            "changes": goal.history.filter(history_change_reason__isnull=False)
            .exclude(history_change_reason="")
            .select_related("history_user")
            .order_by("-history_date"),
            "can_change": can_change,
            "status_form": forms.get("status_form")
            or GoalStatusForm(goal=goal, initial={"version": goal.version}),
            "progress_form": forms.get("progress_form") or ProgressForm(),
        },
    )


@login_required
def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    log_read(request, AccessLog.Kind.GOAL, goal.pk, case)
    return _goal_page(request, case, goal)


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    if request.method != "POST":
        log_read(request, AccessLog.Kind.GOAL, goal.pk, case)
    form = GoalForm(request.POST or None, instance=goal, case=case)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                actor=request.user,
                goal=goal,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
                sessions=form.cleaned_data["sessions"],
            )
        except StaleEdit as error:
            # As for sessions: keep the input, show the saved goal, base a new save on it.
            messages.error(request, error.message)
            saved = goal_of(case, goal_pk)
            form = rebind_on_current_version(
                GoalForm, request, instance=goal_of(case, goal_pk), case=case
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return render(
        request,
        "sessions/goal_form.html",
        {"case": case, "form": form, "goal": goal, "saved": saved},
    )


@login_required
@require_POST
def goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    form = GoalStatusForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            services.goal_change_status(
                actor=request.user,
                goal=goal,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except StaleEdit as error:
            messages.error(request, error.message)
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal's status was changed."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return _goal_page(request, case, goal, status_form=form)


@login_required
@require_POST
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.goal_progress_record(actor=request.user, goal=goal, **form.cleaned_data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return _goal_page(request, case, goal, progress_form=form)


@login_required
def goal_history(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    log_read(request, AccessLog.Kind.GOAL, goal.pk, case)
    return render(
        request,
        "sessions/history.html",
        {
            "case": case,
            "title": _("History of the goal"),
            "back": reverse("goal_detail", kwargs={"pk": case.pk, "goal_pk": goal.pk}),
            "entries": goal_history_entries(goal),
        },
    )
