"""Scoped reads of the directory and of referrals: every view and form choice goes through here.

- The directory of a network is read by the counsellors and centre admins of its centres, and
  maintained by its centre admins.
- The sender side reads a referral through its case (``clients.access``), so whoever may read
  the case may read its referrals, and nobody else.
- The receiver side — the coaches of an ICAM desk — reads a referral only through the desk's
  grant (a guardian group row, written when the referral is sent and withdrawn with the
  client's consent), and only its consented fields (``shared_fields``). Everything else
  answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from casework.models import Network, User

from .models import (
    SHAREABLE_FIELDS,
    Domain,
    Partner,
    Referral,
    ReferralGroupObjectPermission,
)


def directory_network(user: User) -> Network | None:
    """The network whose directory ``user`` reads (through their centre), if any."""
    if not user.is_authenticated or not (user.is_counsellor or user.is_centre_admin):
        return None
    return user.centre.network if user.centre_id else None


def directory(user: User) -> QuerySet[Partner]:
    network = directory_network(user)
    if network is None:
        return Partner.objects.none()
    return Partner.objects.filter(network=network)


def get_partner_for(user: User, pk: int) -> Partner:
    try:
        return directory(user).get(pk=pk)
    except Partner.DoesNotExist:
        raise Http404("No such partner.") from None


def can_maintain_directory(user: User) -> bool:
    return user.is_authenticated and user.is_centre_admin and directory_network(user) is not None


def require_directory_reader(user: User) -> Network:
    """The user's network; 404 for a user with no directory (like every screen not theirs)."""
    network = directory_network(user)
    if network is None:
        raise Http404("No directory.")
    return network


def require_maintainer(user: User) -> Network:
    """The network whose directory ``user`` maintains: 404 without a directory, 403 for a
    reader who may not change it."""
    network = require_directory_reader(user)
    if not user.is_centre_admin:
        raise PermissionDenied
    return network


def case_referrals(case) -> QuerySet[Referral]:
    """The referrals of a case already fetched through ``clients.access``."""
    return case.referrals.select_related("partner", "goal")


def referral_of(case, pk: int) -> Referral:
    try:
        return case_referrals(case).get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


# --- The receiver side -----------------------------------------------------------------------
def desks_of(user: User) -> QuerySet[Partner]:
    """The ICAM desks ``user`` coaches for."""
    if not user.is_authenticated or not user.is_icam_coach:
        return Partner.objects.none()
    return Partner.objects.filter(group__user=user, domain=Domain.ICAM_DESK)


def desk_referrals(user: User) -> QuerySet[Referral]:
    """Referrals addressed to the desks of ``user``, through the desk grants only."""
    if not user.is_authenticated or not user.is_icam_coach:
        return Referral.objects.none()
    granted = ReferralGroupObjectPermission.objects.filter(
        group__user=user, permission__codename="view_referral"
    ).values("content_object_id")
    # The grant is the access; the desk conditions repeat it, so that a grant left behind by a
    # mistake elsewhere still opens nothing.
    return Referral.objects.filter(
        pk__any_of=granted,  # an array for the primary key index (casework/lookups.py)
        consent_withdrawn_at__isnull=True,
        partner__domain=Domain.ICAM_DESK,
        partner__group__user=user,
    )


def get_desk_referral_for(user: User, pk: int) -> Referral:
    try:
        return desk_referrals(user).select_related("partner", "goal", "case__client").get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


@dataclass
class SharedField:
    code: str
    label: str
    value: str


def shared_fields(referral: Referral) -> list[SharedField]:
    """What the receiver may read about the client: the consented fields and nothing else.

    Values are read here, field by field, so a template for the receiver never holds the
    client or the case.
    """
    if referral.consent_withdrawn:
        return []
    client = referral.case.client
    values = {
        "first_name": lambda: client.first_name,
        "country_of_origin": lambda: (
            str(client.country_of_origin.name) if client.country_of_origin else ""
        ),
        "languages": lambda: ", ".join(client.language_names),
        "residence_situation": lambda: client.get_residence_situation_display(),
        "goal": lambda: (
            f"{referral.goal.get_category_display()}: {referral.goal.description}"
            if referral.goal
            else ""
        ),
        "phone": lambda: client.phone,
    }
    return [
        SharedField(code, str(label), values[code]() or str(NOT_RECORDED))
        for code, label in SHAREABLE_FIELDS
        if code in referral.consent_fields
    ]


NOT_RECORDED = _("not recorded")
