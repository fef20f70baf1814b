"""The counsellor's screens: client file, case, shares, transfer, history.

Every fetch goes through ``clients.access``: a row the user may not see answers 404, a row
they may see but not change answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.audit import access_record
from casework.errors import RuleBroken, StaleEdit
from casework.forms import rebind_on_current_version
from casework.models import AccessLog, Role, User
from casework.roles import role_required

from . import services
from .access import (
    Action,
    can,
    case_shares,
    get_case_for,
    get_client_file_for,
    get_client_for,
    is_shared_with,
)
from .extensions import sections_for
from .forms import (
    ClientForm,
    ShareForm,
    StatusForm,
    TransferForm,
)
from .history import case_history_entries, client_history_entries
from .services import CLIENT_EDITABLE_FIELDS


@role_required(Role.COUNSELLOR)
def client_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client, case = services.client_create(actor=user, data=form.cleaned_data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("Client %(reference)s registered and case opened.")
                % {"reference": client.reference},
            )
            return redirect("case_detail", pk=case.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": None})


@login_required
def client_file(request: HttpRequest, pk: int) -> HttpResponse:
    client, cases, can_edit = get_client_file_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CLIENT, record=client)
    can_open_case = can_edit and all(case.is_closed for case in cases)
    return render(
        request,
        "clients/client_file.html",
        {"client": client, "cases": cases, "can_edit": can_edit, "can_open_case": can_open_case},
    )


def _display(field, value) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value in (None, "", []):
        return "—"
    choices = {str(key): label for key, label in getattr(field, "choices", None) or []}
    values = value if isinstance(value, list) else [value]
    return ", ".join(str(choices.get(str(v), v)) for v in values)


def _conflicts(form: ClientForm, current) -> list[tuple[str, str]]:
    """Fields where what the user typed differs from what someone else has just saved."""
    found = []
    for name in CLIENT_EDITABLE_FIELDS:
        field = form.fields[name]
        typed = _display(field, form.cleaned_data.get(name))
        saved = _display(field, getattr(current, name))
        if typed != saved:
            found.append((str(field.label), saved))
    return found


@login_required
def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, Action.CHANGE)
    if request.method != "POST":
        access_record(user=request.user, kind=AccessLog.Kind.CLIENT, record=client)
    form = ClientForm(request.POST or None, instance=client)
    conflicts: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                actor=request.user,
                client=client,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
            )
        except StaleEdit as error:
            # Keep what the user typed, show what changed meanwhile, and base a new save on
            # the current version: saving again is then a deliberate choice, not an accident.
            messages.error(request, error.message)
            current = get_client_for(request.user, pk, Action.CHANGE)
            conflicts = _conflicts(form, current)
            form = rebind_on_current_version(ClientForm, request, instance=current)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The client file was saved."))
            return redirect("client_file", pk=client.pk)
    return render(
        request,
        "clients/client_form.html",
        {"form": form, "client": client, "conflicts": conflicts},
    )


@login_required
@require_POST
def case_open(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, Action.CHANGE)
    try:
        case = services.case_open(actor=request.user, client=client)
    except RuleBroken as error:
        messages.error(request, error.message)
        return redirect("client_file", pk=client.pk)
    messages.success(request, _("A new case was opened."))
    return redirect("case_detail", pk=case.pk)


def _case_page(request: HttpRequest, case, **forms) -> HttpResponse:
    user = request.user
    manage = can(user, case, Action.MANAGE)
    can_change = can(user, case, Action.CHANGE) and not case.is_closed
    context = {
        "case": case,
        "client": case.client,
        "can_change": can_change,
        "sections": sections_for(user, case, can_change),
        "can_manage": manage,
        "shares": case_shares(case) if manage else [],
        "status_form": forms.get("status_form")
        or StatusForm(current_status=case.status, initial={"version": case.version, "outcome": ""}),
        "share_form": forms.get("share_form") or (ShareForm(case=case) if manage else None),
    }
    return render(request, "clients/case_detail.html", context)


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CASE, record=case)
    return _case_page(request, case)


@login_required
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    form = StatusForm(request.POST, current_status=case.status)
    if form.is_valid():
        try:
            services.case_change_status(
                actor=request.user,
                case=case,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            )
        except StaleEdit as error:
            messages.error(request, error.message)
            return redirect("case_detail", pk=case.pk)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The case status was changed."))
            return redirect("case_detail", pk=case.pk)
    return _case_page(request, case, status_form=form)


@login_required
@require_POST
def case_share(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE)
    form = ShareForm(request.POST, case=case)
    if form.is_valid():
        already_shared = is_shared_with(case, form.cleaned_data["colleague"])
        try:
            services.case_share(
                actor=request.user,
                case=case,
                colleague=form.cleaned_data["colleague"],
                level=form.cleaned_data["level"],
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            colleague = form.cleaned_data["colleague"]
            level = dict(form.fields["level"].choices)[form.cleaned_data["level"]]
            if already_shared:
                text = _("%(name)s’s access is now: %(level)s.")
            else:
                text = _("The case is now shared with %(name)s: %(level)s.")
            messages.success(request, text % {"name": colleague, "level": level})
            return redirect("case_detail", pk=case.pk)
    return _case_page(request, case, share_form=form)


@login_required
@require_POST
def case_share_withdraw(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE)
    colleague = User.objects.filter(pk=user_pk, centre_id=case.centre_id).first()
    if colleague is None:
        raise Http404
    try:
        services.case_share_withdraw(actor=request.user, case=case, colleague=colleague)
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s no longer has access.") % {"name": colleague})
    return redirect("case_detail", pk=case.pk)


@login_required
def case_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.MANAGE)
    form = TransferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transfer(
                actor=request.user,
                case=case,
                to_user=form.cleaned_data["to_user"],
                keep_access=form.cleaned_data["keep_access"],
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _("The case was transferred to %(name)s.") % {"name": form.cleaned_data["to_user"]},
            )
            if form.cleaned_data["keep_access"]:
                return redirect("case_detail", pk=case.pk)
            return redirect("caseload")
    return render(request, "clients/case_transfer.html", {"case": case, "form": form})


@login_required
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CASE_HISTORY, record=case)
    return render(
        request,
        "clients/history.html",
        {"case": case, "client": case.client, "entries": case_history_entries(case)},
    )


@login_required
def client_history(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CLIENT_HISTORY, record=client)
    return render(
        request,
        "clients/history.html",
        {"case": None, "client": client, "entries": client_history_entries(client)},
    )
