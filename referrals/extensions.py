"""The referrals' part of the case page and of the client's time line."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from casework.models import User
from clients.extensions import CaseSection, case_sections
from clients.models import Case
from sessions.timeline import TimelineItem, timeline_sources

from .models import Referral, ReferralFeedback, ReferralStatus


def case_section(user: User, case: Case, can_change: bool) -> CaseSection:
    latest_first = Prefetch("feedback", queryset=ReferralFeedback.objects.order_by("-created_at"))
    referrals = list(case.referrals.select_related("partner").prefetch_related(latest_first))
    return CaseSection(
        "referrals/case_section.html",
        {"referrals": referrals, "can_refer": can_change},
    )


def timeline_items(user: User, client, cases: dict[int, Case]) -> Iterable[TimelineItem]:
    """Referrals sent, answered and ended, and the receivers' feedback: two queries."""
    referrals = {
        r.pk: r for r in Referral.objects.filter(case_id__in=cases).select_related("partner")
    }
    statuses = dict(ReferralStatus.choices)
    previous: dict[int, str] = {}
    records = Referral.history.filter(id__in=referrals).order_by("id", "history_date")
    for record in records.only("id", "status", "history_date", "history_change_reason"):
        before = previous.get(record.id)
        previous[record.id] = record.status
        if before == record.status or record.status == ReferralStatus.DRAFT:
            continue
        referral = referrals[record.id]
        yield _item(
            record.history_date,
            "referral",
            referral,
            cases,
            client,
            _("Referral to %(partner)s: %(status)s")
            % {"partner": referral.partner.name, "status": statuses[record.status]},
            record.history_change_reason or "",
        )
    feedback = ReferralFeedback.objects.filter(referral_id__in=referrals).select_related("author")
    for item in feedback:
        referral = referrals[item.referral_id]
        yield _item(
            item.created_at,
            "feedback",
            referral,
            cases,
            client,
            _("Feedback from %(partner)s") % {"partner": referral.partner.name},
            item.text,
        )


def _item(at, kind, referral, cases, client, text, detail) -> TimelineItem:
    case = cases[referral.case_id]
    return TimelineItem(
        on=timezone.localtime(at).date(),
        at=at,
        kind=kind,
        case_reference=f"{client.reference}/{case.number}",
        text=text,
        detail=detail,
        url=reverse("referral_detail", kwargs={"pk": case.pk, "referral_pk": referral.pk}),
    )


def register() -> None:
    from . import reminders

    reminders.register()
    if case_section not in case_sections:
        case_sections.append(case_section)
    if timeline_items not in timeline_sources:
        timeline_sources.append(timeline_items)
