"""The subject access export: everything Casework holds about a client, for the client.

One structure feeds both forms: the printable page (HTML, to print or save as PDF) and the
machine-readable JSON. Every record is a list of fields, each with its name, its label in the
export's language, its stored value and that value as text, so the document explains itself.
The queries are fixed in number, however many sessions the client had.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Model, Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from casework.models import AccessLog, User
from clients.access import visible_cases
from clients.languages import LANGUAGE_CHOICES
from clients.models import Case, Client
from referrals.models import SHAREABLE_FIELDS, Referral, ReferralFeedback
from sessions.models import Goal, GoalProgress, Session, SessionDraft
from sessions.topics import topic_choices

FORMAT = "casework-subject-access/1"
CLIENT_FIELDS = [
    "reference", "first_name", "last_name", "birth_date", "phone", "gender",
    "country_of_origin", "languages", "interpreter_needed", "year_of_arrival",
    "residence_situation", "created_at",
]  # fmt: skip
CASE_FIELDS = ["status", "outcome", "opened_at", "closed_at"]
SESSION_FIELDS = [
    "held_on", "duration_minutes", "mode", "interpreter_used", "interpreter_language",
    "why_came", "experienced", "situation_now", "future", "topics", "notes", "next_follow_up",
]  # fmt: skip
GOAL_FIELDS = ["category", "description", "target_date", "status"]
DRAFT_TEXTS = ["why_came", "experienced", "situation_now", "future", "notes"]
REFERRAL_FIELDS = [
    "type", "purpose", "status", "sent_at", "answer_due", "consent_fields",
    "consent_given_on", "consent_method", "consent_withdrawn_at", "result",
]  # fmt: skip


def language_for(client: Client, fallback: str) -> str:
    """The client's first language Casework speaks, else the counsellor's."""
    offered = dict(settings.LANGUAGES)
    return next((code for code in client.languages if code in offered), fallback)


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "code"):  # a country
        return value.code
    return value


def _text(field, value: Any, labels: dict | None = None) -> str:
    """The value as the client reads it: a label, a local date, "—" for nothing."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if hasattr(value, "name") and hasattr(value, "code"):
        return str(value.name)
    choices = labels or {str(k): v for k, v in (field.flatchoices or [])}
    values = value if isinstance(value, list) else [value]
    return ", ".join(str(choices.get(str(v), v)) for v in values)


def fields_of(obj: Model, names: list[str], labels: dict[str, dict] | None = None) -> list[dict]:
    """The named fields of a record; ``labels`` gives the labels of list fields' codes."""
    labels = labels or {}
    out = []
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        out.append(
            {
                "name": name,
                "label": capfirst(str(field.verbose_name)),
                "value": _json(value),
                "text": _text(field, value, labels.get(name)),
            }
        )
    return out


def _status_changes(model: type[Model], ids: list[int]) -> dict[int, list[dict]]:
    """Each record's status over time, with the reason typed for the change (one query)."""
    changes: dict[int, list[dict]] = defaultdict(list)
    history = model.history.model.objects.filter(id__in=ids).order_by("history_date", "pk")
    field = model._meta.get_field("status")
    for row in history.only("id", "status", "history_date", "history_change_reason"):
        seen = changes[row.id]
        if seen and seen[-1]["status"] == row.status:
            continue
        seen.append(
            {
                "at": _json(row.history_date),
                "when": _text(None, row.history_date),
                "status": row.status,
                "text": _text(field, row.status),
                "reason": row.history_change_reason or "",
            }
        )
    return changes


def build(user: User, client: Client) -> dict:
    """The export of ``client`` as ``user`` may read it: the cases visible to them."""
    topics = {"topics": dict(topic_choices(client.centre_id))}
    sessions = Session.objects.order_by("held_on", "pk")
    goals = Goal.objects.order_by("pk").prefetch_related(
        Prefetch("progress", queryset=GoalProgress.objects.order_by("noted_on", "pk"))
    )
    referrals = (
        Referral.objects.order_by("pk")
        .select_related("partner")
        .prefetch_related(
            Prefetch("feedback", queryset=ReferralFeedback.objects.order_by("created_at", "pk"))
        )
    )
    cases = list(
        visible_cases(user)
        .filter(client=client)
        .select_related("assigned_to", "client")
        .prefetch_related(
            Prefetch("sessions", queryset=sessions),
            Prefetch("goals", queryset=goals),
            Prefetch("referrals", queryset=referrals),
        )
        .order_by("number")
    )
    case_changes = _status_changes(Case, [c.pk for c in cases])
    goal_ids = [g.pk for c in cases for g in c.goals.all()]
    goal_changes = _status_changes(Goal, goal_ids)
    # The user's own drafts: a colleague's unsaved text is theirs until they save it.
    drafts = SessionDraft.objects.filter(case__in=cases, author=user).order_by("saved_at", "pk")
    return {
        "format": FORMAT,
        "made_at": _json(timezone.now()),
        "made_on": _text(None, timezone.now()),
        "made_by": user.get_full_name() or user.username,
        "client": fields_of(client, CLIENT_FIELDS, {"languages": dict(LANGUAGE_CHOICES)}),
        "earlier_details": _earlier(client),
        "cases": [_case(case, topics, case_changes, goal_changes) for case in cases],
        "drafts": [
            {
                "when": _text(None, draft.saved_at),
                "texts": [
                    text
                    for name in DRAFT_TEXTS
                    for text in draft.data.get(name, [])
                    if isinstance(text, str) and text.strip()
                ],
            }
            for draft in drafts
        ],
        "access_log": _access(client, [case.reference for case in cases]),
    }


def _earlier(client: Client) -> list[dict]:
    """Values of the client's details that were changed since: they are held in the history."""
    current = {f["name"]: f["value"] for f in fields_of(client, CLIENT_FIELDS)}
    earlier: dict[tuple, dict] = {}
    for version in client.history.order_by("history_date", "pk"):
        for item in fields_of(version.instance, CLIENT_FIELDS):
            key = (item["name"], str(item["value"]))
            if item["value"] not in (None, "", []) and item["value"] != current[item["name"]]:
                earlier.setdefault(key, item)
    return list(earlier.values())


def _case(case: Case, topics: dict, case_changes: dict, goal_changes: dict) -> dict:
    return {
        "reference": case.reference,
        "counsellor": case.assigned_to.get_full_name() or case.assigned_to.username,
        "fields": fields_of(case, CASE_FIELDS),
        "status_changes": case_changes.get(case.pk, []),
        "sessions": [fields_of(s, SESSION_FIELDS, topics) for s in case.sessions.all()],
        "goals": [
            {
                "fields": fields_of(goal, GOAL_FIELDS),
                "progress": [fields_of(p, ["noted_on", "note"]) for p in goal.progress.all()],
                "status_changes": goal_changes.get(goal.pk, []),
            }
            for goal in case.goals.all()
        ],
        "referrals": [
            {
                "partner": referral.partner.name,
                "fields": fields_of(
                    referral, REFERRAL_FIELDS, {"consent_fields": dict(SHAREABLE_FIELDS)}
                ),
                "feedback": [
                    {"at": _json(f.created_at), "when": _text(None, f.created_at), "text": f.text}
                    for f in referral.feedback.all()
                ],
            }
            for referral in case.referrals.all()
        ],
    }


def _access(client: Client, case_references: list[str]) -> list[dict]:
    """Who opened the client's file, and the cases in the export, and when (everyone's reads,
    not only the user's; never those of a case the user may not read)."""
    entries = (
        AccessLog.objects.filter(centre_id=client.centre_id)
        .filter(reference__in=[client.reference, *case_references])
        .select_related("user")
        .order_by("at", "pk")
    )
    return [
        {
            "at": _json(e.at),
            "when": _text(None, e.at),
            "by": e.user.get_full_name() or e.user.username,
            "what": e.kind,
            "text": str(e.get_kind_display()),
            "reference": e.reference,
        }
        for e in entries
    ]
