"""The one domain exception services raise; views turn it into a translated message."""

from __future__ import annotations


class RuleBroken(Exception):
    """A business rule refused the change; nothing was written."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(RuleBroken):
    """Optimistic locking: the record changed since the form was loaded."""
