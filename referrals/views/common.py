from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest

from casework.errors import RuleBroken, StaleEdit
from casework.models import User

from .. import services
from ..forms import ReferralStatusForm
from ..models import Referral, ReferralStatus

# Every status but draft may be asked for; the service decides which move is allowed to whom.
ASKABLE = [status for status in ReferralStatus.values if status != ReferralStatus.DRAFT]


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


def apply_status_form(
    request: HttpRequest, referral: Referral, *, as_sender: bool
) -> tuple[ReferralStatusForm, bool | None]:
    """Bind the status form to the POST and move the referral, as its sender or its receiver.

    Returns the form and ``True`` when the move was made, ``False`` when it was refused as a
    stale edit (the message is given), ``None`` when the form is to be shown with its errors.
    """
    form = ReferralStatusForm(request.POST, moves=ASKABLE)
    if not form.is_valid():
        return form, None
    try:
        services.referral_change_status(
            actor=request.user,
            referral=referral,
            to=form.cleaned_data["status"],
            version=form.cleaned_data["version"],
            as_sender=as_sender,
            reason=form.cleaned_data.get("reason", ""),
            result=form.cleaned_data.get("result", ""),
        )
    except StaleEdit as error:
        messages.error(request, error.message)
        return form, False
    except RuleBroken as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return form, None
    return form, True
