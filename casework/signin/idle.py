"""Idle timeout of a sign-in: after IDLE_TIMEOUT_MINUTES without a request, the next one signs
the user out. ``static/casework/idle.js`` warns before, and keeps the sign-in alive while the
user types or clicks; a session form's text is kept as a draft all along (sessions/drafts.py).

The time of the last activity lives in the session, written at most once a minute, so a page
costs no extra write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

security_log = logging.getLogger("casework.security")

SESSION_KEY = "casework_last_seen"
WRITE_EVERY_SECONDS = 60


def timeout_seconds() -> int:
    return settings.IDLE_TIMEOUT_SECONDS


def remaining(request: HttpRequest, now: float | None = None) -> int:
    """Seconds left before the sign-in times out (0: it has)."""
    now = time.time() if now is None else now
    last = request.session.get(SESSION_KEY, now)
    return max(0, round(last + timeout_seconds() - now))


def touch(request: HttpRequest, now: float | None = None) -> None:
    now = time.time() if now is None else now
    every = min(WRITE_EVERY_SECONDS, timeout_seconds() // 4)
    if now - request.session.get(SESSION_KEY, 0) >= every:
        request.session[SESSION_KEY] = int(now)


@receiver(user_logged_in)
def on_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = int(time.time())


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _back_to(request: HttpRequest) -> str:
    """Where the sign-in brings the user back: the page asked for, or, for a form sent after
    the timeout, the page the form was on (a POST-only address would answer 405)."""
    if request.method == "GET":
        return request.get_full_path()
    referer = urlparse(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host() and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not timeout_seconds():
            return self.get_response(request)
        if remaining(request) == 0:
            minutes = max(1, timeout_seconds() // 60)
            security_log.info("Signed out after %s idle minutes: user %s", minutes, user.pk)
            logout(request)
            messages.info(
                request,
                _(
                    "You were signed out after %(minutes)s minutes without activity. Text you "
                    "typed in a session is kept as a draft."
                )
                % {"minutes": minutes},
            )
            if _wants_json(request):  # idle.js, which then goes to the sign-in page
                return JsonResponse({"remaining": 0}, status=401)
            return redirect(f"{reverse('login')}?{urlencode({'next': _back_to(request)})}")
        if request.path_info != reverse("idle_status"):  # asking how long is no activity
            touch(request)
        return self.get_response(request)


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> JsonResponse:
    """GET: the seconds left (asking is no activity). POST: the user is active; keep going."""
    if not request.user.is_authenticated:
        return JsonResponse({"remaining": 0}, status=401)
    if request.method == "POST":
        touch(request)
    return JsonResponse({"remaining": remaining(request), "timeout": timeout_seconds()})
