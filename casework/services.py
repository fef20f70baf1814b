"""Writes on accounts and roles (centre admins), with history and the acting user."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import notices
from .errors import RuleBroken
from .history import delete_as, save_as
from .models import Role, User, UserRole
from .signin import two_factor

security_log = logging.getLogger("casework.security")


def _set_roles(*, actor: User, user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise RuleBroken(_("Unknown role."), field="roles")
    for row in user.roles.all():
        if row.role in wanted:
            wanted.discard(row.role)
        else:
            delete_as(row, actor)
    for role in sorted(wanted):
        save_as(UserRole(user=user, role=role), actor, validate=False)
    user.__dict__.pop("_role_set", None)


def _require_centre_admin(actor: User) -> None:
    if not actor.is_centre_admin:
        raise RuleBroken(_("Only a centre admin can manage users."))


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    roles: Iterable[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user in the actor's centre with the given roles."""
    _require_centre_admin(actor)
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        centre_id=actor.centre_id,
    )
    validate_password(password, user)
    user.set_password(password)
    save_as(user, actor)
    _set_roles(actor=actor, user=user, roles=roles)
    return user


@transaction.atomic
def user_update(
    *,
    actor: User,
    user: User,
    roles: Iterable[str],
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    new_password: str = "",
) -> User:
    """Change a user's details, roles and whether they may sign in."""
    _require_centre_admin(actor)
    locked = User.objects.select_for_update().get(pk=user.pk, centre_id=actor.centre_id)
    roles = set(roles)
    if locked.pk == actor.pk and (Role.CENTRE_ADMIN not in roles or not is_active):
        raise RuleBroken(
            _("You cannot remove your own centre admin role or deactivate yourself."),
            field="roles",
        )
    locked.first_name, locked.last_name, locked.email = first_name, last_name, email
    locked.is_active = is_active
    if new_password:
        validate_password(new_password, locked)
        locked.set_password(new_password)
        if locked.pk != actor.pk:
            notices.password_set(locked)
    save_as(locked, actor)
    _set_roles(actor=actor, user=locked, roles=roles)
    return locked


def user_unlock(*, actor: User, user: User) -> None:
    """Lift a lockout after repeated failed sign-ins (django-axes), for a user of the admin's
    centre. The security log keeps who unlocked whom, by id."""
    _require_centre_admin(actor)
    locked = User.objects.get(pk=user.pk, centre_id=actor.centre_id)
    axes_reset(username=locked.username)
    security_log.info("Sign-in unlocked: user %s by centre admin %s", locked.pk, actor.pk)


def user_reset_two_factor(*, actor: User, user: User) -> None:
    """Remove a user's authenticator app and backup codes (a lost phone), for a user of the
    admin's centre; they set up a new app at their next sign-in."""
    _require_centre_admin(actor)
    reset = User.objects.get(pk=user.pk, centre_id=actor.centre_id)
    two_factor.reset(user=reset, actor=actor)
    notices.two_factor_reset(reset)


def is_locked_out(user: User) -> bool:
    """Whether the account is locked now: its failed sign-ins within the cool-off period,
    from every browser, reach the limit (as django-axes counts them)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=user.username, attempt_time__gte=since)
    total = failures.aggregate(n=Sum("failures_since_start"))["n"] or 0
    return total >= settings.AXES_FAILURE_LIMIT


def user_language_set(*, user: User, language: str) -> None:
    """The language ``user`` chose for their pages and e-mails."""
    if user.language != language:
        user.language = language
        save_as(user, user, fields=["language"])
