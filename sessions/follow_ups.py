"""The case's next follow-up (``Case.next_follow_up``): its latest session's follow-up date,
kept on the case so the caseload shows, sorts and counts it from the row.

``sessions.services`` keeps it whenever a session is written; ``refresh`` works it out again
for every case, for sessions written by other code (the previous release's, while an upgrade
migrates: ``manage.py refresh_follow_ups``)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery

from clients.models import Case

from .models import Session

BATCH = 5000  # cases per UPDATE: a session saved meanwhile waits for one batch at most


def _latest(case_ref) -> Subquery:
    sessions = Session.objects.filter(case=case_ref).order_by("-held_on", "-id")
    return Subquery(sessions.values("next_follow_up")[:1])


def latest_follow_up(case: Case) -> date | None:
    """The follow-up date of the case's latest session, read from the sessions."""
    found = case.sessions.order_by("-held_on", "-id").values("next_follow_up").first()
    return found["next_follow_up"] if found else None


def refresh() -> int:
    """Set every case's next follow-up from its sessions; return the number of cases.

    A derived date, kept out of the case's history on purpose (``Case.history`` excludes it):
    the session that sets it has its own history row, so this one UPDATE a batch is safe."""
    last = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    done = 0
    for start in range(0, last + 1, BATCH):
        with transaction.atomic():
            done += Case.objects.filter(pk__gte=start, pk__lt=start + BATCH).update(
                next_follow_up=_latest(OuterRef("pk"))
            )
    return done
