"""Erasing a client's personal data everywhere, their history rows included, while the facts
the coordinators' reports count (dates, categories, statuses, outcomes) remain.

Used by the retention policy (``retention``) and by an erasure on the client's request
(``erasure``). One client at a time, in one transaction: a client is never half anonymised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from casework.models import User
from clients.models import Case, Client
from referrals.models import Referral, ReferralFeedback
from sessions.models import Goal, GoalProgress, Session, SessionDraft

# What identifies the person or tells their story, per model: the value it gets instead.
ERASED: dict[type[Model], dict[str, object]] = {
    Client: {
        "first_name": "",
        "first_name_hash": "",
        "last_name": "",
        "phone": "",
        "birth_date": None,
    },
    Session: {"why_came": "", "experienced": "", "situation_now": "", "future": "", "notes": ""},
    Goal: {"description": ""},
    GoalProgress: {"note": ""},
    Referral: {"purpose": "", "result": ""},
    ReferralFeedback: {"text": ""},
}


def rows_of(client_ids: Iterable[int]) -> dict[type[Model], QuerySet]:
    """Every row holding something of these clients that ``ERASED`` names."""
    ids = list(client_ids)
    return {
        Client: Client.objects.filter(pk__in=ids),
        Session: Session.objects.filter(case__client_id__in=ids),
        Goal: Goal.objects.filter(case__client_id__in=ids),
        GoalProgress: GoalProgress.objects.filter(goal__case__client_id__in=ids),
        Referral: Referral.objects.filter(case__client_id__in=ids),
        ReferralFeedback: ReferralFeedback.objects.filter(referral__case__client_id__in=ids),
    }


@dataclass
class Erased:
    """What one anonymisation changed: rows and history rows per model (no personal data)."""

    client_id: int
    case_ids: list[int]
    rows: dict[str, int] = field(default_factory=dict)
    history_rows: dict[str, int] = field(default_factory=dict)


def anonymise(
    client_id: int,
    *,
    actor: User | None,
    reason: str,
    still_due: Callable[[Client], bool] | None = None,
) -> Erased | None:
    """Erase the client's identity and every free text of their file, in the rows and in
    their history; a new history row records the anonymisation with ``actor`` and ``reason``.
    Returns None when the client is already anonymised (a resumed run does no double work), or
    when ``still_due``, asked once the client is locked, says the file is no longer due (a case
    opened meanwhile)."""
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(pk=client_id).first()
        if client is None or client.anonymised_at is not None:
            return None
        if still_due is not None and not still_due(client):
            return None
        now = timezone.now()
        cases = Case.objects.filter(client_id=client_id).values_list("pk", flat=True)
        done = Erased(client_id, list(cases))
        for model, rows in rows_of([client_id]).items():
            erased = ERASED[model]
            ids = list(rows.values_list("pk", flat=True))
            if not ids:
                continue
            # The history first: every earlier version, and the reasons typed for changes.
            history = model.history.model.objects.filter(id__in=ids)
            done.history_rows[model._meta.label] = history.update(
                **erased, history_change_reason=""
            )
            # Then the rows themselves, each with a history row saying who and why.
            objects = list(model.objects.filter(pk__in=ids))
            changes = {**erased, **({"anonymised_at": now} if model is Client else {})}
            versioned = any(f.name == "version" for f in model._meta.fields)
            for obj in objects:
                for name, value in changes.items():
                    setattr(obj, name, value)
                if versioned:  # an edit form opened before is refused, not saved over this
                    obj.version += 1
            fields = [*changes, "version"] if versioned else list(changes)
            bulk_update_with_history(
                objects, model, fields, default_user=actor, default_change_reason=reason
            )
            done.rows[model._meta.label] = len(objects)
        SessionDraft.objects.filter(case__client_id=client_id).delete()
    return done
