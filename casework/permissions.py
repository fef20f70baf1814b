"""The core of the permission layer: object grants through guardian's direct foreign-key models.

Structural ownership (the assigned counsellor, the centre) lives in indexed columns and is
filtered by each app's ``access`` module. Exceptions — a case shared with a colleague, a
referral addressed to an ICAM desk — are rows of a guardian *direct* foreign-key model
(``CaseUserObjectPermission``, ``ReferralGroupObjectPermission``), which are indexed on
(user or group, permission, object) and joined as ``pk IN (SELECT object_id ...)``.

Grants and withdrawals happen only here, so each one leaves a history row with its actor.
Lists filter on the grant rows directly rather than through guardian's
``get_objects_for_user``, whose generated SQL nests the queryset three times; and access is
never decided with ``user.has_perm(perm, obj)``, which Django answers True for any active
superuser: a superuser flag or a model-wide permission must never open a confidential row.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import uuid4

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .history import delete_as, save_as
from .models import User

PermModel = type[UserObjectPermissionBase] | type[GroupObjectPermissionBase]


def grant_subquery(
    perm_model: type[UserObjectPermissionBase], user: User, codename: str
) -> models.QuerySet:
    """Ids of the objects on which ``user`` holds ``codename``, as a subquery for ``pk__in``."""
    return perm_model.objects.filter(user=user, permission__codename=codename).values(
        "content_object_id"
    )


def _permissions(model: type[models.Model], codenames: Iterable[str]) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(model)
    found = list(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    missing = set(codenames) - {p.codename for p in found}
    if missing:
        raise LookupError(f"Unknown permissions on {model.__name__}: {sorted(missing)}")
    return found


def _event(event: str) -> str:
    """The reason on each grant row's history record: the rows of one change share it."""
    return f"access-event:{event}"


def _holder(user: User | None, group: Group | None) -> dict[str, User | Group]:
    if (user is None) == (group is None):
        raise TypeError("A grant is held by a user or by a group.")
    return {"user": user} if user is not None else {"group": group}


def object_grant(
    *,
    actor: User,
    perm_model: PermModel,
    obj: models.Model,
    codenames: Iterable[str],
    user: User | None = None,
    group: Group | None = None,
) -> None:
    """Give ``user`` (or ``group``) exactly ``codenames`` on ``obj``, adding and withdrawing as
    needed."""
    holder = _holder(user, group)
    event = uuid4().hex  # ties this call's grant rows into one event in the history
    wanted = {p.pk: p for p in _permissions(type(obj), codenames)}
    existing = perm_model.objects.filter(content_object=obj, **holder).select_related("permission")
    for row in existing:
        if row.permission_id in wanted:
            wanted.pop(row.permission_id)
        else:
            delete_as(row, actor, _event(event))
    for permission in wanted.values():
        row = perm_model(content_object=obj, permission=permission, **holder)
        save_as(row, actor, _event(event), validate=False)


def object_revoke(
    *,
    actor: User,
    perm_model: PermModel,
    obj: models.Model,
    user: User | None = None,
    group: Group | None = None,
) -> int:
    """Withdraw every grant ``user`` (or ``group``) holds on ``obj``; return how many."""
    event = uuid4().hex
    rows = list(perm_model.objects.filter(content_object=obj, **_holder(user, group)))
    for row in rows:
        # One delete per row (not a queryset delete) so each withdrawal has its history row.
        delete_as(row, actor, _event(event))
    return len(rows)
