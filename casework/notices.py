"""E-mails to a user about their own account, when someone else changed how they sign in:
a centre admin who set their password or reset their two-factor sign-in. The user learns of
it even if that admin was not acting for them. No client's data is in them."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .models import User

security_log = logging.getLogger("casework.security")


def _send(user: User, subject: Callable[[], str], body: Callable[[], str]) -> None:
    if not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        message = EmailMessage(subject(), body(), to=[user.email])
    try:
        message.send()
    except OSError:  # the change stands; the log says the notice did not go
        security_log.warning("Account notice not sent: user %s", user.pk)


def _tell(user: User, subject: Callable[[], str], body: Callable[[], str]) -> None:
    transaction.on_commit(lambda: _send(user, subject, body))


def two_factor_reset(user: User) -> None:
    _tell(
        user,
        lambda: _("Casework: your two-factor sign-in was reset"),
        lambda: _(
            "A centre admin of your centre has just reset your two-factor sign-in to Casework. "
            "At your next sign-in you set up your authenticator app again.\n\n"
            "If you did not ask for this, tell your coordinator at once."
        ),
    )


def password_set(user: User) -> None:
    _tell(
        user,
        lambda: _("Casework: your password was changed"),
        lambda: _(
            "A centre admin of your centre has just set a new password for your Casework "
            "account.\n\nIf you did not ask for this, tell your coordinator at once."
        ),
    )
