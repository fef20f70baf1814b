"""The client's time line: sessions, goal status changes and case events across the cases the
reader may see — five queries whatever the number of cases, sessions or goals.

Apps built on top (referrals) add their own events through ``timeline_sources``, registered in
their ``AppConfig.ready``: each source gets the reader, the client and the visible cases by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User
from clients.access import visible_cases
from clients.models import Case, CaseOutcome, CaseStatus

from .models import Goal, GoalStatus, Session


@dataclass
class TimelineItem:
    on: date
    at: datetime | None
    kind: str  # "session", "goal", "case", or a source's own kind
    case_reference: str
    text: str
    detail: str
    url: str


TimelineSource = Callable[[User, object, dict[int, Case]], Iterable[TimelineItem]]
timeline_sources: list[TimelineSource] = []


def client_timeline(user: User, client) -> list[TimelineItem]:
    cases = {c.pk: c for c in visible_cases(user).filter(client=client)}
    items: list[TimelineItem] = []
    sessions = Session.objects.filter(case_id__in=cases).order_by("held_on", "id")
    for session in sessions:
        case = cases[session.case_id]
        items.append(
            TimelineItem(
                on=session.held_on,
                at=None,
                kind="session",
                case_reference=f"{client.reference}/{case.number}",
                text=_("Session (%(mode)s, %(minutes)s min)")
                % {"mode": session.get_mode_display(), "minutes": session.duration_minutes},
                detail=session.future,
                url=reverse("session_detail", kwargs={"pk": case.pk, "session_pk": session.pk}),
            )
        )
    goal_labels, status_labels = (
        dict(Goal._meta.get_field("category").choices),
        dict(GoalStatus.choices),
    )
    goal_records = Goal.history.filter(case_id__in=cases).order_by("id", "history_date")
    previous: dict[int, str] = {}
    for record in goal_records:
        case = cases[record.case_id]
        before = previous.get(record.id)
        previous[record.id] = record.status
        if before == record.status:
            continue
        text = (
            _("Goal set: %(category)s") if before is None else _("Goal %(category)s: %(status)s")
        ) % {
            "category": goal_labels.get(record.category, record.category),
            "status": status_labels.get(record.status, record.status),
        }
        items.append(
            TimelineItem(
                on=timezone.localtime(record.history_date).date(),
                at=record.history_date,
                kind="goal",
                case_reference=f"{client.reference}/{case.number}",
                text=text,
                detail=record.history_change_reason or "",
                url=reverse("goal_detail", kwargs={"pk": case.pk, "goal_pk": record.id}),
            )
        )
    case_records = Case.history.filter(id__in=cases).order_by("id", "history_date")
    last_status: dict[int, str] = {}
    outcomes = dict(CaseOutcome.choices)
    for record in case_records:
        case = cases[record.id]
        before = last_status.get(record.id)
        last_status[record.id] = record.status
        if before == record.status:
            continue
        if before is None:
            text = _("Case opened")
        elif record.status == CaseStatus.CLOSED:
            text = _("Case closed: %(outcome)s") % {
                "outcome": outcomes.get(record.outcome, record.outcome)
            }
        else:
            text = _("Case moved to %(status)s") % {"status": CaseStatus(record.status).label}
        items.append(
            TimelineItem(
                on=timezone.localtime(record.history_date).date(),
                at=record.history_date,
                kind="case",
                case_reference=f"{client.reference}/{case.number}",
                text=text,
                detail="",
                url=reverse("case_detail", kwargs={"pk": case.pk}),
            )
        )
    for source in timeline_sources:
        items.extend(source(user, client, cases))
    order = {"case": 0, "goal": 1, "session": 2}
    return sorted(
        items,
        key=lambda i: (i.on, i.at or datetime.min.replace(tzinfo=UTC), order.get(i.kind, 1)),
        reverse=True,
    )
