"""Writes on sessions and goals: one transaction each, history with the actor."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.errors import RuleBroken, StaleEdit
from casework.history import save_as
from casework.models import User
from clients.models import Case

from .follow_ups import latest_follow_up
from .models import Goal, GoalProgress, GoalStatus, InfoTopic, Session, SessionDraft
from .reminders import schedule_follow_up, schedule_goal
from .topics import BUILTIN_TOPICS

SESSION_FIELDS = (
    "held_on",
    "duration_minutes",
    "mode",
    "interpreter_used",
    "interpreter_language",
    "why_came",
    "experienced",
    "situation_now",
    "future",
    "topics",
    "notes",
    "next_follow_up",
)
GOAL_FIELDS = ("category", "description", "target_date")

GOAL_TRANSITIONS = {
    GoalStatus.OPEN: [GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED, GoalStatus.ABANDONED],
    GoalStatus.IN_PROGRESS: [GoalStatus.OPEN, GoalStatus.ACHIEVED, GoalStatus.ABANDONED],
    GoalStatus.ACHIEVED: [GoalStatus.IN_PROGRESS],
    GoalStatus.ABANDONED: [GoalStatus.OPEN],
}


def _lock_open_case(case: Case) -> Case:
    """Lock the case (sessions and goals are written under it) and refuse a closed one."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.is_closed:
        raise RuleBroken(_("This case is closed; open a new case to continue."))
    return locked


def _touch(case: Case, *, sessions_changed: bool = False) -> None:
    """Move the case up the caseload and, when a session was written, keep the case's next
    follow-up (its latest session's date). Both columns are derived and excluded from the case's
    history (the session or goal written beside them has its own), so this save skips it
    rather than add an empty history row to the case."""
    case.last_activity_at = timezone.now()
    fields = ["last_activity_at"]
    if sessions_changed:
        case.next_follow_up = latest_follow_up(case)
        fields.append("next_follow_up")
    case.skip_history_when_saving = True
    try:
        case.save(update_fields=fields)
    finally:
        del case.skip_history_when_saving


def _check_session_dates(session: Session) -> None:
    today = timezone.localdate()
    if session.held_on and session.held_on > today:
        raise RuleBroken(_("A session cannot be dated in the future."), field="held_on")
    if session.next_follow_up and session.held_on and session.next_follow_up < session.held_on:
        raise RuleBroken(
            _("The follow-up date cannot be before the session."), field="next_follow_up"
        )


@transaction.atomic
def session_record(*, actor: User, case: Case, data: dict[str, Any]) -> Session:
    locked = _lock_open_case(case)
    session = Session(case=locked, created_by=actor)
    for field in SESSION_FIELDS:
        if field in data:
            setattr(session, field, data[field])
    _check_session_dates(session)
    save_as(session, actor)
    _touch(locked, sessions_changed=True)
    schedule_follow_up(actor, locked)
    SessionDraft.objects.filter(author=actor, case=locked, session=None).delete()
    return session


@transaction.atomic
def session_update(
    *, actor: User, session: Session, expected_version: int, data: dict[str, Any]
) -> Session:
    _lock_open_case(session.case)
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else changed this session while you were editing it. "
                "Nothing was saved: your text is kept below."
            )
        )
    for field in SESSION_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    _check_session_dates(locked)
    locked.version += 1
    save_as(locked, actor)
    _touch(locked.case, sessions_changed=True)
    schedule_follow_up(actor, locked.case)
    SessionDraft.objects.filter(author=actor, session=locked).delete()
    return locked


@transaction.atomic
def goal_set(
    *, actor: User, case: Case, data: dict[str, Any], sessions: Iterable[Session] = ()
) -> Goal:
    locked = _lock_open_case(case)
    goal = Goal(case=locked, created_by=actor)
    for field in GOAL_FIELDS:
        if field in data:
            setattr(goal, field, data[field])
    if goal.target_date and goal.target_date < timezone.localdate():
        raise RuleBroken(_("A new goal's target date cannot be in the past."), field="target_date")
    save_as(goal, actor)
    _link_sessions(goal, sessions, actor)
    _touch(locked)
    schedule_goal(actor, goal)
    return goal


def _link_sessions(goal: Goal, sessions: Iterable[Session], actor: User) -> None:
    sessions = list(sessions)
    if any(s.case_id != goal.case_id for s in sessions):
        raise RuleBroken(_("A goal can only be linked to sessions of its own case."))
    goal._history_user = actor
    goal.sessions.set(sessions)


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    expected_version: int,
    data: dict[str, Any],
    sessions: Iterable[Session],
) -> Goal:
    _lock_open_case(goal.case)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            _(
                "Someone else changed this goal meanwhile. Nothing was saved yet: "
                "their version and your input are shown below."
            )
        )
    for field in GOAL_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.version += 1
    save_as(locked, actor)
    _link_sessions(locked, sessions, actor)
    _touch(locked.case)
    schedule_goal(actor, locked)
    return locked


@transaction.atomic
def goal_change_status(
    *, actor: User, goal: Goal, expected_version: int, status: str, reason: str
) -> Goal:
    _lock_open_case(goal.case)
    locked = Goal.objects.select_for_update().get(pk=goal.pk)
    if locked.version != expected_version:
        raise StaleEdit(
            _("Someone else changed this goal meanwhile. Nothing was saved: reload and try again.")
        )
    if status not in GOAL_TRANSITIONS.get(locked.status, []):
        raise RuleBroken(_("This status change is not possible."), field="status")
    if not reason.strip():
        raise RuleBroken(_("Give a short reason for the change."), field="reason")
    locked.status = status
    locked.version += 1
    save_as(locked, actor, reason=reason.strip())
    _touch(locked.case)
    schedule_goal(actor, locked)
    return locked


@transaction.atomic
def goal_progress_record(*, actor: User, goal: Goal, noted_on, note: str) -> GoalProgress:
    _lock_open_case(goal.case)
    if noted_on > timezone.localdate():
        raise RuleBroken(_("Progress cannot be dated in the future."), field="noted_on")
    if not note.strip():
        raise RuleBroken(_("Write what moved."), field="note")
    progress = GoalProgress(goal=goal, noted_on=noted_on, note=note.strip(), created_by=actor)
    save_as(progress, actor)
    _touch(goal.case)
    return progress


def topic_add(*, actor: User, centre_id: int, label: str) -> InfoTopic | None:
    """The centre's topic with this label, added if new; None when it names a built-in topic
    (the existing one is then ticked instead)."""
    label = " ".join(label.split())
    if label.casefold() in {str(name).casefold() for _code, name in BUILTIN_TOPICS}:
        return None
    topic = InfoTopic.objects.filter(centre_id=centre_id, label__iexact=label).first()
    if topic is not None:
        return topic
    topic = InfoTopic(centre_id=centre_id, label=label)
    try:
        # A savepoint: a colleague adding the same topic at this moment is not an error.
        with transaction.atomic():
            save_as(topic, actor)
    except (IntegrityError, ValidationError):
        return InfoTopic.objects.filter(centre_id=centre_id, label__iexact=label).first()
    return topic


def builtin_code_for(label: str) -> str | None:
    wanted = " ".join(label.split()).casefold()
    return next((code for code, name in BUILTIN_TOPICS if str(name).casefold() == wanted), None)
