"""Drafts of the session form: the author's own text, saved as they type."""

from __future__ import annotations

from django.http import QueryDict

from casework.models import User
from clients.models import Case

from .models import Session, SessionDraft
from .services import SESSION_FIELDS

MAX_DRAFT_CHARACTERS = 100_000
# The form's own fields only; "version" is the session version the typing started from.
KEPT = {*SESSION_FIELDS, "new_topic", "version"}


def draft_for(author: User, case: Case, session: Session | None = None) -> SessionDraft | None:
    return SessionDraft.objects.filter(author=author, case=case, session=session).first()


def draft_save(
    *, author: User, case: Case, posted: QueryDict, session: Session | None = None
) -> SessionDraft | None:
    """Keep what the form holds now; refuse (return None) a draft too large to be typing."""
    data = {key: posted.getlist(key) for key in posted if key in KEPT}
    if sum(len(value) for values in data.values() for value in values) > MAX_DRAFT_CHARACTERS:
        return None
    draft, _created = SessionDraft.objects.update_or_create(
        author=author, case=case, session=session, defaults={"data": data}
    )
    return draft


def draft_discard(*, author: User, case: Case, session: Session | None = None) -> None:
    SessionDraft.objects.filter(author=author, case=case, session=session).delete()


def draft_initial(draft: SessionDraft, multiple: set[str]) -> dict:
    """Form initial values from a draft: lists for multi-choice fields, the last value else."""
    return {
        key: values if key in multiple else (values[-1] if values else "")
        for key, values in draft.data.items()
        if key != "version"
    }


def draft_is_behind(draft: SessionDraft, session: Session) -> bool:
    """Was the draft typed on an older version than the one saved now?"""
    started = (draft.data.get("version") or [""])[-1]
    return not started.isdigit() or int(started) != session.version
