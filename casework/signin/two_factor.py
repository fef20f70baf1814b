"""Two-factor sign-in: a code from an authenticator app (TOTP, django-otp's device), or one of
ten single-use backup codes.

A password alone opens nothing but this module's pages. Where the user stands is kept in the
session, decided once at sign-in (``on_login``), so a page costs no query for it:

- ``verified``: the code was given in this session;
- ``pending``: the user has an authenticator app and must give a code;
- ``enrol``: two-factor sign-in is required (production) and the user has no app yet;
- ``optional``: not required (the demo) and the user has no app.

Every refusal goes to the security log with the user's id and the reason, never the code.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from enum import Enum
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.models import BackupCode, User

security_log = logging.getLogger("casework.security")

SESSION_KEY = "casework_two_factor"
VERIFIED, PENDING, ENROL, OPTIONAL = "verified", "pending", "enrol", "optional"
BACKUP_CODE_COUNT = 10
# The pages a signed-in user reaches before the second factor.
OPEN_URL_NAMES = frozenset(
    {
        "two_factor_verify",
        "two_factor_setup",
        "two_factor_qr",
        "logout",
        "idle_status",
        "language_switch",
        "healthz",
        "login",
    }
)


class Outcome(Enum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    REPLAYED = "replayed"
    THROTTLED = "throttled"


def required() -> bool:
    """In production every account needs the second factor: every role reads something
    confidential (client files, referrals with names, a centre's users)."""
    return settings.TWO_FACTOR_REQUIRED


def authenticator(user: User, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-id").first()


def state(request: HttpRequest) -> str:
    """Where the signed-in user stands; decided at sign-in, worked out once if missing."""
    current = request.session.get(SESSION_KEY)
    if current is None:
        current = _state_at_login(request.user)
        request.session[SESSION_KEY] = current
    return current


def pending(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and state(request) in (PENDING, ENROL))


def _state_at_login(user: User) -> str:
    if authenticator(user) is not None:
        return PENDING
    return ENROL if required() else OPTIONAL


@receiver(user_logged_in)
def on_login(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _state_at_login(user)


def _mark_verified(request: HttpRequest) -> None:
    request.session.cycle_key()  # a new session id once the second factor is given
    request.session[SESSION_KEY] = VERIFIED


def _digest(user: User, code: str) -> str:
    message = f"{user.pk}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _replayed(device: TOTPDevice, token: int) -> bool:
    """Whether a refused code is one already accepted (within the device's tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    for offset in range(-device.tolerance - 1, device.tolerance + 1):
        totp.time = now + offset * device.step
        if totp.t() <= device.last_t and totp.token() == token:
            return True
    return False


def verify(request: HttpRequest, code: str) -> Outcome:
    """Check a code from the app or a backup code; on success the session is verified."""
    user = request.user
    code = _normalised(code)
    with transaction.atomic():
        # The row lock makes two requests with the same code take turns: one wins.
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            outcome = Outcome.WRONG
        elif code.isdigit() and len(code) == device.digits:
            allowed, _why = device.verify_is_allowed()
            if not allowed:
                outcome = Outcome.THROTTLED
            elif device.verify_token(code):
                outcome = Outcome.ACCEPTED
            else:
                outcome = Outcome.REPLAYED if _replayed(device, int(code)) else Outcome.WRONG
        else:
            used = BackupCode.objects.filter(
                user=user, digest=_digest(user, code), used_at__isnull=True
            ).update(used_at=timezone.now())
            outcome = Outcome.ACCEPTED if used else Outcome.WRONG
    if outcome is Outcome.ACCEPTED:
        _mark_verified(request)
        security_log.info("Two-factor sign-in: user %s", user.pk)
    else:
        security_log.warning("Two-factor code refused (%s): user %s", outcome.value, user.pk)
    return outcome


def retry_in(user: User) -> int:
    """Seconds to wait before the next code is tried, after wrong ones (0: now)."""
    device = authenticator(user)
    if device is None:
        return 0
    allowed, why = device.verify_is_allowed()
    if allowed or not why or "locked_until" not in why:
        return 0
    return max(1, round((why["locked_until"] - timezone.now()).total_seconds()))


def start_enrolment(user: User) -> TOTPDevice:
    """The new authenticator waiting for its first code; an app in use stays until then."""
    device = authenticator(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    return device


def may_enrol(request: HttpRequest) -> bool:
    """Only a session that gave a code may replace an app; one signed in before an app was set
    up (elsewhere) owes its code first, and is told so from now on."""
    if state(request) == VERIFIED:
        return True
    if authenticator(request.user) is not None:
        request.session[SESSION_KEY] = PENDING
        return False
    return True


def confirm_enrolment(request: HttpRequest, code: str) -> list[str] | None:
    """Take the new app into use once it shows a right code: it replaces any older app, the
    backup codes are renewed, and the session is verified. Returns the new backup codes."""
    user = request.user
    if not may_enrol(request):
        return None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        code = _normalised(code)
        if device is None or not code.isdigit() or not device.verify_token(code):
            security_log.warning("Two-factor enrolment code refused: user %s", user.pk)
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = new_backup_codes(user)
    _mark_verified(request)
    security_log.info("Two-factor sign-in set up: user %s", user.pk)
    return codes


def new_backup_codes(user: User) -> list[str]:
    """Ten fresh codes (the old ones stop working); shown once, stored as digests."""
    codes = [secrets.token_hex(5) for _ in range(BACKUP_CODE_COUNT)]
    with transaction.atomic():
        BackupCode.objects.filter(user=user).delete()
        BackupCode.objects.bulk_create(
            BackupCode(user=user, digest=_digest(user, c)) for c in codes
        )
    security_log.info("Backup codes renewed: user %s", user.pk)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def unused_backup_codes(user: User) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


def reset(*, user: User, actor: User | None) -> None:
    """Remove the user's app and backup codes (a lost phone); they set it up again at their
    next sign-in where it is required."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        BackupCode.objects.filter(user=user).delete()
    by = f"by user {actor.pk}" if actor is not None else "from the command line"
    security_log.info("Two-factor sign-in reset: user %s %s", user.pk, by)


def give_demo_authenticator(user: User, key: str) -> None:
    """A confirmed app with a known key, for demo accounts only (demo_data --two-factor)."""
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="demo authenticator", key=key, confirmed=True)


class TwoFactorMiddleware:
    """Sends a signed-in user who still owes the second factor to the page that asks for it;
    everything else answers only once it is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if pending(request):
            try:
                name = resolve(request.path_info).view_name  # "admin:login" is not "login"
            except Resolver404:
                name = None
            if name not in OPEN_URL_NAMES:
                target = "two_factor_verify" if state(request) == PENDING else "two_factor_setup"
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)
