"""Readable history of a referral (consent, moves, desk access, feedback) and of a partner."""

from __future__ import annotations

from django.utils.translation import gettext as _

from casework.audit import EVENT_LABELS, Change, HistoryEntry, field_history
from clients.languages import LANGUAGE_NAMES

from .models import (
    SHAREABLE_FIELDS,
    Partner,
    Province,
    Referral,
    ReferralFeedback,
    ReferralGroupObjectPermission,
)
from .services import PARTNER_FIELDS, REFERRAL_FIELDS


def _codes(labels: dict) -> callable:
    return lambda codes: ", ".join(str(labels.get(c, c)) for c in codes or []) or "—"


def referral_history_entries(referral: Referral) -> list[HistoryEntry]:
    records = referral.history.select_related("history_user").order_by("history_date", "history_id")
    partner_ids = {r.partner_id for r in records}
    partners = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    goals = {g.pk: str(g.get_category_display()) for g in referral.case.goals.all()}
    entries = field_history(
        records,
        model=Referral,
        fields=[*REFERRAL_FIELDS, "status", "result", "consent_withdrawn_at"],
        formatters={
            "partner": lambda pk: partners.get(pk, "—"),
            "goal": lambda pk: goals.get(pk, "—") if pk else "—",
            "consent_fields": _codes(dict(SHAREABLE_FIELDS)),
        },
    )
    grants = (
        ReferralGroupObjectPermission.history.filter(content_object_id=referral.pk)
        .select_related("history_user", "permission")
        .order_by("history_date", "history_id")
    )
    seen_events: set[str] = set()
    for grant in grants:
        event = grant.history_change_reason or str(grant.history_id)
        if event in seen_events:
            continue  # one entry per grant or withdrawal, not one per permission row
        seen_events.add(event)
        summary = (
            _("The desk was given access")
            if grant.history_type == "+"
            else _("The desk's access was withdrawn")
        )
        entries.append(
            HistoryEntry(at=grant.history_date, actor=grant.history_user, summary=summary)
        )
    feedback = (
        ReferralFeedback.history.filter(referral_id=referral.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    label = _("Feedback")
    for record in feedback:
        entries.append(
            HistoryEntry(
                at=record.history_date,
                actor=record.history_user,
                summary=str(EVENT_LABELS[record.history_type]),
                changes=[Change(label, "", record.text)],
            )
        )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def partner_history_entries(partner: Partner) -> list[HistoryEntry]:
    records = partner.history.select_related("history_user").order_by("history_date", "history_id")
    entries = field_history(
        records,
        model=Partner,
        fields=PARTNER_FIELDS,
        formatters={
            "provinces": _codes(dict(Province.choices)),
            "languages": _codes(LANGUAGE_NAMES),
        },
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)
