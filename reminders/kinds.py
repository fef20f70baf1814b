"""What each kind of reminder needs from the app it comes from, registered in that app's
``AppConfig.ready`` (sessions: follow-ups and goals; referrals: answers and desks).

``still_due(reminder)`` is asked under the row's lock just before delivery: a reminder whose
object is gone, whose reason has passed or whose recipient lost access is dropped, not sent.
``url(reminder)`` is the page a notification opens, as a path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .models import Reminder


@dataclass(frozen=True)
class KindHandler:
    still_due: Callable[[Reminder], bool]
    url: Callable[[Reminder], str]


handlers: dict[str, KindHandler] = {}


def register(kind: str, *, still_due: Callable[[Reminder], bool], url: Callable) -> None:
    handlers[kind] = KindHandler(still_due=still_due, url=url)


def url_of(reminder: Reminder) -> str:
    return handlers[reminder.kind].url(reminder)


def still_due(reminder: Reminder) -> bool:
    handler = handlers.get(reminder.kind)
    return handler is not None and handler.still_due(reminder)
