"""ICAM desks: the auth group behind a desk, whose members are its coaches."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from .models import FINISHED, Domain, Partner


def ensure_desk_group(partner: Partner) -> Group | None:
    """Give an ICAM desk its group of coaches (once); other partners have none."""
    if not partner.is_desk or partner.group_id is not None:
        return partner.group
    group, _created = Group.objects.get_or_create(name=f"icam-desk-{partner.pk}")
    partner.group = group
    partner.skip_history_when_saving = True  # the group is plumbing, not a change of the partner
    try:
        partner.save(update_fields=["group"])
    finally:
        del partner.skip_history_when_saving
    return group


def domain_change_refusal(partner: Partner, domain: str) -> str:
    """Why ``partner`` may not move to ``domain`` (empty when it may).

    Who answers a referral follows from the domain: a desk's coaches, or the sender for an
    outside partner. So a desk stays a desk (its coaches hold grants on its referrals), and a
    partner with referrals under way does not become one (nobody would answer them).
    """
    if partner.pk is None or partner.domain == domain:
        return ""
    if partner.is_desk:
        return _("An ICAM desk stays a desk: its coaches and referrals depend on it.")
    if domain == Domain.ICAM_DESK and partner.referrals.exclude(status__in=FINISHED).exists():
        return _("A partner with referrals under way cannot become an ICAM desk.")
    return ""
