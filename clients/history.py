"""Readable history of a client file and a case, access grants and withdrawals included."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries

from casework.audit import Change, HistoryEntry, field_history
from casework.models import User

from .languages import LANGUAGE_NAMES
from .models import Case, CaseUserObjectPermission, Client
from .services import CLIENT_EDITABLE_FIELDS

CASE_FIELDS = ["status", "outcome", "assigned_to"]


def client_history_entries(client: Client) -> list[HistoryEntry]:
    records = client.history.select_related("history_user").order_by("history_date", "history_id")
    entries = field_history(
        records,
        model=Client,
        fields=CLIENT_EDITABLE_FIELDS,
        formatters={
            "languages": lambda codes: (
                ", ".join(str(LANGUAGE_NAMES.get(c, c)) for c in codes or []) or "—"
            ),
            "country_of_origin": lambda code: (
                str(dict(countries).get(str(code), code) or "—") if code else "—"
            ),
        },
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def case_history_entries(case: Case) -> list[HistoryEntry]:
    """Field changes of the case and every grant or withdrawal of access to it, newest first."""
    records = list(
        case.history.select_related("history_user").order_by("history_date", "history_id")
    )
    user_ids = {r.assigned_to_id for r in records}
    grants = list(
        CaseUserObjectPermission.history.filter(content_object_id=case.pk)
        .select_related("history_user", "permission")
        .order_by("history_date", "history_id")
    )
    user_ids |= {g.user_id for g in grants}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)}
    assigned_label = str(capfirst(Case._meta.get_field("assigned_to").verbose_name))
    entries = field_history(
        records,
        model=Case,
        fields=CASE_FIELDS,
        formatters={
            "assigned_to": lambda pk: names.get(pk, "—"),
        },
    )
    entries.extend(_access_entries(grants, names))
    for entry in entries:
        if any(c.label == assigned_label and c.old for c in entry.changes):
            entry.summary = _("Transferred")
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _access_entries(grants: list, names: dict[int, str]) -> list[HistoryEntry]:
    """One entry per change of a colleague's access, with the level before and after.

    A share is stored as one grant row per permission (view, change); the rows one service
    call writes carry the same event id (casework.permissions) and make one entry.
    """
    levels: dict[int, set[str]] = {}
    groups: dict[str, list] = {}
    for grant in grants:  # oldest first; dicts keep that order
        groups.setdefault(grant.history_change_reason or f"row:{grant.history_id}", []).append(
            grant
        )

    def label(codenames: set[str]) -> str:
        if "change_case" in codenames:
            return str(_("read and edit"))
        return str(_("read only")) if codenames else ""

    entries = []
    for group in groups.values():
        user_id = group[0].user_id
        before = set(levels.get(user_id, set()))
        after = set(before)
        for grant in group:
            codename = grant.permission.codename
            (after.add if grant.history_type == "+" else after.discard)(codename)
        levels[user_id] = after
        if not before:
            summary = _("Access granted")
        elif not after:
            summary = _("Access withdrawn")
        else:
            summary = _("Access changed")
        entries.append(
            HistoryEntry(
                at=group[-1].history_date,
                actor=group[-1].history_user,
                summary=summary,
                changes=[Change(names.get(user_id, "—"), label(before), label(after))],
            )
        )
    return entries
