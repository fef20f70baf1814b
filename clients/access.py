"""Scoped reads of client files and cases: every view and form choice goes through here.

A counsellor sees the cases of their centre that are assigned to them or shared with them,
and the clients of those cases. Nobody else sees a case: not a coordinator, a centre admin,
an ICAM coach or a superuser (they answer 404), whatever model-wide permission they hold.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as SQLCase
from django.http import Http404

from casework.models import User
from casework.permissions import grant_subquery

from .models import Case, CaseUserObjectPermission, Client


class Action(StrEnum):
    VIEW = "view"  # read the case and its client file
    CHANGE = "change"  # edit, move through states
    MANAGE = "manage"  # share, withdraw a share, transfer: the assigned counsellor only


def visible_cases(user: User) -> QuerySet[Case]:
    """Cases ``user`` may read: assigned to them, or shared with them, in their centre."""
    if not user.is_authenticated or not user.is_counsellor:
        return Case.objects.none()
    # Both arms on an index: the assigned counsellor, and the granted ids as an array for the
    # primary key (casework/lookups.py), so PostgreSQL ORs two index scans.
    shared = grant_subquery(CaseUserObjectPermission, user, "view_case")
    return Case.objects.filter(Q(assigned_to=user) | Q(pk__any_of=shared), centre_id=user.centre_id)


def with_access(cases: QuerySet[Case], user: User) -> QuerySet[Case]:
    """Annotate each case with what ``user`` may do on it, in the same query."""
    change_grant = CaseUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="change_case"
    )
    return cases.annotate(
        user_is_assigned=SQLCase(
            When(assigned_to=user, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        user_has_change_grant=Exists(change_grant),
    )


def _allowed(case: Case, user: User, action: Action) -> bool:
    if action == Action.VIEW:
        return True
    if action == Action.MANAGE:
        return case.assigned_to_id == user.pk
    return case.assigned_to_id == user.pk or case.user_has_change_grant


def get_case_for(user: User, pk: int, action: Action = Action.VIEW) -> Case:
    """The case ``pk`` if ``user`` may see it (else 404) and do ``action`` (else 403)."""
    try:
        case = (
            with_access(visible_cases(user), user)
            .select_related("client", "assigned_to")
            .get(pk=pk)
        )
    except Case.DoesNotExist:
        raise Http404("No such case.") from None
    if not _allowed(case, user, action):
        raise PermissionDenied
    return case


def can(user: User, case: Case, action: Action) -> bool:
    """For a case fetched through ``get_case_for``/``with_access``: may ``user`` do ``action``?"""
    return _allowed(case, user, action)


def visible_clients(user: User) -> QuerySet[Client]:
    """Clients with at least one case ``user`` may see."""
    if not user.is_authenticated or not user.is_counsellor:
        return Client.objects.none()
    return Client.objects.filter(
        centre_id=user.centre_id, pk__in=visible_cases(user).values("client_id")
    )


def get_client_for(user: User, pk: int, action: Action = Action.VIEW) -> Client:
    """The client ``pk`` if ``user`` may see them (else 404) and edit them (else 403).

    Editing a client — and opening a new case for them — needs the right to change their
    latest case: a read-only share, or a closed case the user once held, gives no such right.
    """
    try:
        client = visible_clients(user).get(pk=pk)
    except Client.DoesNotExist:
        raise Http404("No such client.") from None
    if action != Action.VIEW and not can_change_client(user, client):
        raise PermissionDenied
    return client


def get_client_file_for(user: User, pk: int) -> tuple[Client, list[Case], bool]:
    """The client ``pk``, the cases of theirs ``user`` may see (latest first, with the access
    flags) and whether ``user`` may change the client (as ``can_change_client``), in one query;
    404 when ``user`` sees none of their cases."""
    later = Case.objects.filter(client=OuterRef("client"), number__gt=OuterRef("number"))
    cases = list(
        with_access(visible_cases(user), user)
        .filter(client_id=pk)
        .annotate(is_latest=~Exists(later))
        .select_related("client", "assigned_to")
        .order_by("-number")
    )
    if not cases:
        raise Http404("No such client.")
    latest = cases[0]  # the latest the user sees: the client's latest, or a later one is hidden
    may_change = latest.is_latest and (latest.user_is_assigned or latest.user_has_change_grant)
    return latest.client, cases, may_change


def can_change_client(user: User, client: Client) -> bool:
    latest = with_access(Case.objects.filter(client=client), user).order_by("-number").first()
    return latest is not None and (latest.user_is_assigned or latest.user_has_change_grant)


def case_shares(case: Case) -> list[dict]:
    """The colleagues a case already fetched through this layer is shared with, and whether
    they may edit (one query)."""
    by_user: dict[int, dict] = {}
    grants = CaseUserObjectPermission.objects.filter(content_object=case).select_related(
        "user", "permission"
    )
    for grant in grants:
        entry = by_user.setdefault(grant.user_id, {"user": grant.user, "can_change": False})
        if grant.permission.codename == "change_case":
            entry["can_change"] = True
    return sorted(by_user.values(), key=lambda e: str(e["user"]))


def is_shared_with(case: Case, colleague: User) -> bool:
    return CaseUserObjectPermission.objects.filter(content_object=case, user=colleague).exists()
