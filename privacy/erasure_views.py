"""Erasure on the client's request: asked from the client file, confirmed by a centre admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.errors import RuleBroken
from casework.models import Role
from casework.roles import role_required
from clients.access import Action, get_client_for

from .erasure import erasure_ask, erasure_cancel, erasure_confirm
from .forms import ErasureForm
from .models import Erasure


@login_required
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk, Action.CHANGE)
    pending = Erasure.objects.filter(client_id=client.pk, status=Erasure.Status.PENDING).first()
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and pending is None and form.is_valid():
        try:
            erasure_ask(actor=request.user, client=client, reason=form.cleaned_data["reason"])
        except RuleBroken as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The erasure waits for a centre admin's confirmation."))
            return redirect("client_file", pk=client.pk)
    context = {"client": client, "form": form, "pending": pending}
    return render(request, "privacy/erasure_ask.html", context)


@role_required(Role.CENTRE_ADMIN)
def listing(request: HttpRequest) -> HttpResponse:
    admin = request.user
    erasures = Erasure.objects.filter(centre_id=admin.centre_id).select_related(
        "requested_by", "decided_by"
    )[:50]
    return render(request, "privacy/erasures.html", {"erasures": erasures})


def _decide(request: HttpRequest, pk: int, decide, done: str) -> HttpResponse:
    try:
        decide(actor=request.user, pk=pk)
    except Erasure.DoesNotExist:
        raise Http404("No such erasure waiting.") from None
    except RuleBroken as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("erasures")


@role_required(Role.CENTRE_ADMIN)
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, erasure_confirm, _("The client's personal data were erased."))


@role_required(Role.CENTRE_ADMIN)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, erasure_cancel, _("The erasure was cancelled."))
