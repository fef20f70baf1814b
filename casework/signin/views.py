"""The pages of two-factor sign-in: give a code, set up an app, backup codes, one's settings."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import two_factor
from .two_factor import Outcome


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe and target.startswith("/") else "/"


def _refusal(outcome: Outcome, user) -> str:
    if outcome is Outcome.REPLAYED:
        return _("That code was used already. Wait for the next code in your app.")
    if outcome is Outcome.THROTTLED:
        return _("Too many wrong codes. Wait %(seconds)s seconds, then try again.") % {
            "seconds": two_factor.retry_in(user)
        }
    return _(
        "That code is not right. Type the 6 digits your app shows now, or one of your backup codes."
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    if two_factor.state(request) != two_factor.PENDING:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor.verify(request, form.cleaned_data["code"])
        if outcome is Outcome.ACCEPTED:
            return redirect(_next(request))
        form.add_error("code", _refusal(outcome, request.user))
    return render(
        request, "casework/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _may_set_up(request: HttpRequest) -> None:
    # A password alone must not replace the app of an account that has one.
    if not two_factor.may_enrol(request):
        raise Http404


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    if not two_factor.may_enrol(request):
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': _next(request)})}")
    device = two_factor.start_enrolment(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request, form.cleaned_data["code"])
        if codes is not None:
            messages.success(request, _("Two-factor sign-in is on."))
            return _show_codes(request, codes)
        form.add_error(
            "code",
            _(
                "That code is not right. Check that your phone's clock is right, and type "
                "the code the app shows now."
            ),
        )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next(request),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor.required(),
        "replacing": two_factor.authenticator(request.user) is not None,
    }
    return render(request, "casework/two_factor_setup.html", context)


@login_required
def qr(request: HttpRequest) -> HttpResponse:
    """The new app's key as a QR code (SVG, from this server: no third party sees it)."""
    _may_set_up(request)
    device = two_factor.authenticator(request.user, confirmed=False)
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")


def _show_codes(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """New backup codes, shown once: in this answer only, never kept anywhere readable."""
    return render(
        request, "casework/two_factor_backup_codes.html", {"codes": codes, "next": _next(request)}
    )


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "enabled": two_factor.authenticator(user) is not None,
        "unused": two_factor.unused_backup_codes(user),
        "required": two_factor.required(),
    }
    return render(request, "casework/two_factor_manage.html", context)


def _require_verified(request: HttpRequest) -> None:
    if two_factor.state(request) != two_factor.VERIFIED:
        raise Http404


@login_required
@require_POST
def new_codes(request: HttpRequest) -> HttpResponse:
    _require_verified(request)
    return _show_codes(request, two_factor.new_backup_codes(request.user))


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    _require_verified(request)
    if two_factor.required():
        messages.error(request, _("Two-factor sign-in is required here; it cannot be turned off."))
        return redirect("two_factor_manage")
    two_factor.reset(user=request.user, actor=request.user)
    request.session[two_factor.SESSION_KEY] = two_factor.OPTIONAL
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two_factor_manage")
