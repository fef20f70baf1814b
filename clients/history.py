"""Readable history of a client file and a case, access grants and withdrawals included."""

from __future__ import annotations

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
    entries = field_history(
        records,
        model=Case,
        fields=CASE_FIELDS,
        formatters={
            "assigned_to": lambda pk: names.get(pk, "—"),
        },
    )
    for grant in grants:
        level = _("edit") if grant.permission.codename == "change_case" else _("read")
        if grant.history_type == "+":
            summary = _("Access granted")
            change = Change(names.get(grant.user_id, "—"), "", level)
        else:
            summary = _("Access withdrawn")
            change = Change(names.get(grant.user_id, "—"), level, "")
        entries.append(
            HistoryEntry(
                at=grant.history_date, actor=grant.history_user, summary=summary, changes=[change]
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)
