"""Extension points for the apps built on top of clients (dependencies point one way).

An app that adds a part to the case page registers a function here in its ``AppConfig.ready``;
the function receives the case already fetched through the permission layer and returns the
section to show (a template and its context), or ``None``. It must use a constant number of
queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from casework.models import User

from .models import Case


@dataclass
class CaseSection:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


case_sections: list[Callable[[User, Case, bool], CaseSection | None]] = []


def sections_for(user: User, case: Case, can_change: bool) -> list[CaseSection]:
    return [s for build in case_sections if (s := build(user, case, can_change)) is not None]
