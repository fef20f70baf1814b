"""What a counsellor needs to plan their day: follow-ups and goals falling due."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from casework.models import User
from clients.access import visible_cases
from clients.models import OPEN_STATUSES, Case
from clients.selectors import UNSHOWN_IDENTITY

from .models import Goal, GoalStatus

HORIZON_DAYS = 14


def follow_ups_due(user: User, *, horizon: date | None = None) -> QuerySet[Case]:
    """Open cases whose latest session asks for a follow-up by ``horizon``, soonest first.

    Only the latest session counts: a later session supersedes an earlier follow-up date
    (``Case.next_follow_up`` holds the latest session's date).
    """
    horizon = horizon or timezone.localdate() + timedelta(days=HORIZON_DAYS)
    return (
        visible_cases(user)
        .filter(status__in=OPEN_STATUSES, next_follow_up__lte=horizon)
        .select_related("client")
        .defer(*UNSHOWN_IDENTITY)
        .order_by("next_follow_up", "id")
    )


def caseload_counts(user: User, *, horizon: date | None = None) -> dict[str, int]:
    """In one query: the open cases ``user`` sees (``open``), how many of them ask for a
    follow-up by ``horizon`` (``follow_ups_due``, as ``follow_ups_due().count()``) and their
    goals near the target date (``goals_due``, as ``goals_due().count()``)."""
    horizon = horizon or timezone.localdate() + timedelta(days=HORIZON_DAYS)
    goal_due = Q(
        goals__status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS],
        goals__target_date__lte=horizon,
    )
    return (
        visible_cases(user)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            open=Count("pk", distinct=True),
            follow_ups_due=Count("pk", distinct=True, filter=Q(next_follow_up__lte=horizon)),
            goals_due=Count("goals", filter=goal_due),
        )
    )


def goals_due(user: User, *, horizon: date | None = None) -> QuerySet[Goal]:
    horizon = horizon or timezone.localdate() + timedelta(days=HORIZON_DAYS)
    # The open cases first, then their goals through the goal's case index: the open states
    # listed (not "not closed") so the case's (counsellor, status) index serves them.
    open_cases = visible_cases(user).filter(status__in=OPEN_STATUSES)
    return (
        Goal.objects.filter(
            case__in=open_cases,
            status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS],
            target_date__lte=horizon,
        )
        .select_related("case__client")
        .defer(*[f"case__{name}" for name in UNSHOWN_IDENTITY])
        .order_by("target_date", "id")
    )
