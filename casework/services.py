"""Writes on accounts and roles (centre admins), with history and the acting user."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import RuleBroken
from .models import Role, User, UserRole


def _set_roles(*, actor: User, user: User, roles: Iterable[str]) -> None:
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise RuleBroken(_("Unknown role."), field="roles")
    for row in user.roles.all():
        if row.role in wanted:
            wanted.discard(row.role)
        else:
            row._history_user = actor
            row.delete()
    for role in sorted(wanted):
        row = UserRole(user=user, role=role)
        row._history_user = actor
        row.save()
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
    user._history_user = actor
    user.full_clean()
    user.save()
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
    locked._history_user = actor
    locked.full_clean()
    locked.save()
    _set_roles(actor=actor, user=locked, roles=roles)
    return locked
