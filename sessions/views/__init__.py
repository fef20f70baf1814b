"""Sessions, goals and the views built on them: always reached through their case.

The case comes from ``clients.access.get_case_for`` (404 when it is not the user's to see,
403 when they may only read); its sessions and goals come through the case.
"""

from .goals import goal_create, goal_detail, goal_edit, goal_history, goal_progress, goal_status
from .overview import caseload, client_timeline, follow_ups, journey
from .records import (
    session_create,
    session_detail,
    session_draft,
    session_draft_discard,
    session_edit,
    session_history,
)

__all__ = [
    "caseload",
    "client_timeline",
    "follow_ups",
    "goal_create",
    "goal_detail",
    "goal_edit",
    "goal_history",
    "goal_progress",
    "goal_status",
    "journey",
    "session_create",
    "session_detail",
    "session_draft",
    "session_draft_discard",
    "session_edit",
    "session_history",
]
