"""The journey view: the four questions as rows, the sessions as columns in time order, and
each goal's status as it stood at every session — three queries whatever the case's size."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .models import REFLECTION_QUESTIONS, Goal, GoalStatus


@dataclass
class GoalCell:
    status: str = ""
    label: str = ""
    changed: bool = False
    reasons: list[str] = field(default_factory=list)
    discussed: bool = False


@dataclass
class GoalRow:
    goal: Goal
    cells: list[GoalCell]


def journey_for(case) -> dict:
    sessions = list(case.sessions.order_by("held_on", "id"))
    rows = [
        (label, [getattr(session, name) for session in sessions])
        for name, label in REFLECTION_QUESTIONS
    ]
    goals = list(case.goals.prefetch_related("sessions").order_by("created_at", "id"))
    history = list(case.goals.model.history.filter(case_id=case.pk).order_by("history_date"))
    by_goal: dict[int, list] = {}
    for record in history:
        by_goal.setdefault(record.id, []).append(record)

    labels = dict(GoalStatus.choices)
    goal_rows = []
    for goal in goals:
        records = by_goal.get(goal.pk, [])
        discussed = {s.pk for s in goal.sessions.all()}
        cells, previous_status, cursor = [], "", 0
        # One column per session, then "now": changes made after the last session show too.
        for session in [*sessions, None]:
            until = session.held_on if session else date.max
            reasons = []
            status = previous_status
            while cursor < len(records) and _day(records[cursor].history_date) <= until:
                record = records[cursor]
                if record.status != status and record.history_change_reason:
                    reasons.append(record.history_change_reason)
                status = record.status
                cursor += 1
            cells.append(
                GoalCell(
                    status=status,
                    label=str(labels.get(status, "")),
                    changed=bool(previous_status) and status != previous_status,
                    reasons=reasons,
                    discussed=session is not None and session.pk in discussed,
                )
            )
            previous_status = status
        goal_rows.append(GoalRow(goal=goal, cells=cells))
    return {"sessions": sessions, "rows": rows, "goal_rows": goal_rows}


def _day(moment) -> date:
    from django.utils import timezone

    return timezone.localtime(moment).date()
