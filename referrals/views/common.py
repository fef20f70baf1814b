from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casework.models import User

from ..models import Referral, ReferralStatus


@dataclass
class StatusEvent:
    at: datetime
    status: str
    label: str
    actor: User | None
    reason: str


def referral_events(referral: Referral, *, with_reasons: bool) -> list[StatusEvent]:
    """The referral's moves, oldest first, from its history (one query).

    The receiver reads them without the draft and without the sender's reasons, which may say
    more than the consent.
    """
    events: list[StatusEvent] = []
    before = None
    records = referral.history.select_related("history_user").order_by("history_date", "history_id")
    for record in records:
        hidden = not with_reasons and record.status == ReferralStatus.DRAFT
        if record.status != before and not hidden:
            events.append(
                StatusEvent(
                    at=record.history_date,
                    status=record.status,
                    label=ReferralStatus(record.status).label,
                    actor=record.history_user,
                    reason=(record.history_change_reason or "") if with_reasons else "",
                )
            )
        before = record.status
    return events
