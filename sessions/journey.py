"""The journey view: the four questions as rows, the sessions as columns in time order, and
each goal's status as it stood at every session — three queries whatever the case's size.

A long case has hundreds of columns, and (4 questions + goals) × sessions cells: the cells'
HTML is made here, every value escaped as it goes in, so the template writes one string a row
instead of resolving a dozen variables a cell (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html import escape  # what django.utils.html.escape does, without its lazy-text wrapper

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import REFLECTION_QUESTIONS, Goal, GoalStatus, Session


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
    html: SafeString = field(default_factory=SafeString)  # the cells as <td> elements


def journey_for(case) -> dict:
    questions = [name for name, _label in REFLECTION_QUESTIONS]
    sessions = list(
        case.sessions.only("id", "case_id", "held_on", *questions).order_by("held_on", "id")
    )
    headers = _safe(
        '<th scope="col"><a href="{}">{}</a></th>'.format(
            escape(reverse("session_detail", kwargs={"pk": case.pk, "session_pk": s.pk})),
            escape(date_format(s.held_on, "SHORT_DATE_FORMAT")),
        )
        for s in sessions
    )
    rows = [
        (label, _safe(f"<td>{_text(getattr(s, name))}</td>" for s in sessions))
        for name, label in REFLECTION_QUESTIONS
    ]
    linked = Prefetch("sessions", queryset=Session.objects.only("id"))  # which, not what
    goals = list(case.goals.prefetch_related(linked).order_by("created_at", "id"))
    history = list(case.goals.model.history.filter(case_id=case.pk).order_by("history_date"))
    by_goal: dict[int, list] = {}
    for record in history:
        by_goal.setdefault(record.id, []).append(record)

    labels = dict(GoalStatus.choices)
    mark = ' <span title="{}">●<span class="visually-hidden">{}</span></span>'.format(
        escape(_("Discussed in this session")), escape(_("discussed"))
    )
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
        html = _safe(f"<td>{_goal_cell(cell, mark)}</td>" for cell in cells)
        goal_rows.append(GoalRow(goal=goal, cells=cells, html=html))
    return {"sessions": sessions, "headers": headers, "rows": rows, "goal_rows": goal_rows}


def _safe(parts: Iterable[str]) -> SafeString:
    """Markup made in this module, where every value was escaped as it went in."""
    return mark_safe("".join(parts))  # noqa: S308


def _text(value: str) -> str:
    """An answer as the ``linebreaksbr`` filter shows it: escaped, its lines kept; or a dash."""
    if not value:
        return "—"
    return escape(value.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _goal_cell(cell: GoalCell, discussed: str) -> str:
    html = ""
    if cell.status:
        css = f"status goal-{cell.status}" + (" changed" if cell.changed else "")
        html += f'<span class="{escape(css)}">{escape(cell.label)}</span>'
    if cell.discussed:
        html += discussed
    return html + "".join(f"<br><small>{escape(reason)}</small>" for reason in cell.reasons)


def _day(moment) -> date:
    from django.utils import timezone

    return timezone.localtime(moment).date()
