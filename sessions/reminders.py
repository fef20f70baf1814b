"""The reminders of counselling: the case's next follow-up (the latest session's date, kept on
the case by sessions.services) and each open goal's target date, both to the counsellor who
holds the case."""

from __future__ import annotations

from django.urls import reverse

from casework.models import User
from clients.access import visible_cases
from clients.models import Case
from reminders import kinds
from reminders.models import Kind, Reminder
from reminders.services import reminder_schedule

from .follow_ups import latest_follow_up
from .models import Goal, GoalStatus

OPEN_GOAL = (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)


def schedule_follow_up(actor: User, case: Case) -> None:
    reminder_schedule(
        actor=actor,
        kind=Kind.FOLLOW_UP,
        object_id=case.pk,
        case=case,
        reference=case.reference,
        due_on=None if case.is_closed else case.next_follow_up,
        recipients=[case.assigned_to],
    )


def schedule_goal(actor: User, goal: Goal) -> None:
    case = goal.case
    reminder_schedule(
        actor=actor,
        kind=Kind.GOAL_TARGET,
        object_id=goal.pk,
        case=case,
        reference=case.reference,
        due_on=goal.target_date if goal.status in OPEN_GOAL else None,
        recipients=[case.assigned_to],
    )


def _visible_open_case(reminder: Reminder) -> Case | None:
    """The reminder's case, if still open and still held by its recipient (a transfer hands
    the reminders on; the previous counsellor, even with read access kept, gets none)."""
    case = visible_cases(reminder.recipient).filter(pk=reminder.case_id).first()
    if case is None or case.is_closed or case.assigned_to_id != reminder.recipient_id:
        return None
    return case


def _follow_up_still_due(reminder: Reminder) -> bool:
    case = _visible_open_case(reminder)
    # From the sessions themselves, not the case's copy: a reminder is never dropped because
    # the copy lags (a session saved by the previous release during an upgrade).
    return case is not None and latest_follow_up(case) == reminder.due_on


def _goal_still_due(reminder: Reminder) -> bool:
    goal = Goal.objects.filter(pk=reminder.object_id, case_id=reminder.case_id).first()
    return (
        goal is not None
        and goal.status in OPEN_GOAL
        and goal.target_date == reminder.due_on
        and _visible_open_case(reminder) is not None
    )


def register() -> None:
    kinds.register(
        Kind.FOLLOW_UP,
        still_due=_follow_up_still_due,
        url=lambda r: reverse("case_detail", kwargs={"pk": r.case_id}),
    )
    kinds.register(
        Kind.GOAL_TARGET,
        still_due=_goal_still_due,
        url=lambda r: reverse("goal_detail", kwargs={"pk": r.case_id, "goal_pk": r.object_id}),
    )
