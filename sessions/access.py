"""Sessions and goals are visible exactly when their case is: always fetched through it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from casework.models import User
from clients.access import Action, get_case_for
from clients.models import Case

from .models import Goal, Session


def get_open_case_for(user: User, pk: int) -> Case:
    """A case ``user`` may change and that is still open: sessions and goals are written only
    there (404 when not visible, 403 when read-only or closed)."""
    case = get_case_for(user, pk, Action.CHANGE)
    if case.is_closed:
        raise PermissionDenied
    return case


def session_of(case, pk: int) -> Session:
    """A session of a case already fetched through the permission layer (else 404)."""
    try:
        return case.sessions.get(pk=pk)
    except Session.DoesNotExist:
        raise Http404("No such session.") from None


def goal_of(case, pk: int) -> Goal:
    try:
        return case.goals.get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal.") from None
