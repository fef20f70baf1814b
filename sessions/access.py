"""Sessions and goals are visible exactly when their case is: always fetched through it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from casework.models import User
from clients.access import visible_cases

from .models import Goal, Session


def visible_sessions(user: User) -> QuerySet[Session]:
    return Session.objects.filter(case__in=visible_cases(user))


def visible_goals(user: User) -> QuerySet[Goal]:
    return Goal.objects.filter(case__in=visible_cases(user))


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
