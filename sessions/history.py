"""Field-by-field history of a session and of a goal (status reasons and progress included)."""

from __future__ import annotations

from django.apps import apps
from django.utils.formats import date_format
from django.utils.text import capfirst

from casework.audit import EVENT_LABELS, Change, HistoryEntry, field_history
from clients.languages import LANGUAGE_NAMES

from .models import Goal, GoalProgress, Session
from .services import GOAL_FIELDS, SESSION_FIELDS


def session_history_entries(session: Session, topic_labels: dict[str, str]) -> list[HistoryEntry]:
    records = session.history.select_related("history_user").order_by("history_date", "history_id")
    entries = field_history(
        records,
        model=Session,
        fields=SESSION_FIELDS,
        formatters={
            "topics": lambda codes: (
                ", ".join(str(topic_labels.get(c, c)) for c in codes or []) or "—"
            ),
            "interpreter_language": lambda code: str(LANGUAGE_NAMES.get(code, code or "—")),
        },
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def goal_history_entries(goal: Goal) -> list[HistoryEntry]:
    records = list(
        goal.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = field_history(
        records,
        model=Goal,
        fields=[*GOAL_FIELDS, "status"],
        extra_changes=_session_link_changes(goal, records),
    )
    progress = (
        GoalProgress.history.filter(goal_id=goal.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    label = str(GoalProgress._meta.get_field("note").verbose_name).capitalize()
    for record in progress:
        entries.append(
            HistoryEntry(
                at=record.history_date,
                actor=record.history_user,
                summary=str(EVENT_LABELS[record.history_type]),
                changes=[
                    Change(
                        f"{label} ({date_format(record.noted_on, 'SHORT_DATE_FORMAT')})",
                        "",
                        record.note,
                    )
                ],
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _session_link_changes(goal: Goal, records: list) -> dict[int, list[Change]]:
    """Changes of the sessions a goal was discussed in, per history record, in two queries
    (simple-history's own m2m diff costs two queries per record)."""
    through = apps.get_model("counselling", "HistoricalGoal_sessions")
    links: dict[int, set[int]] = {r.history_id: set() for r in records}
    for history_id, session_id in through.objects.filter(history_id__in=list(links)).values_list(
        "history_id", "session_id"
    ):
        links[history_id].add(session_id)
    dates = {s.pk: s.held_on for s in Session.objects.filter(case_id=goal.case_id)}

    def shown(ids: set[int]) -> str:
        held = sorted(dates[i] for i in ids if i in dates)
        return ", ".join(date_format(d, "SHORT_DATE_FORMAT") for d in held) or "—"

    label = str(capfirst(Goal._meta.get_field("sessions").verbose_name))
    changes: dict[int, list[Change]] = {}
    before: set[int] = set()
    for record in records:
        now = links[record.history_id]
        if now != before:
            changes[record.history_id] = [Change(label, shown(before), shown(now))]
        before = now
    return changes
