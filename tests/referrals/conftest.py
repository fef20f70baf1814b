"""Directory and referral fixtures: an ICAM desk with its coach, a partner outside Casework, a
desk of another network, and a referral sent to the desk with consent to two fields."""

from __future__ import annotations

import pytest
from django.utils import timezone

from casework.models import Role
from referrals import services
from referrals.desks import ensure_desk_group
from referrals.models import Domain, Partner, ReferralType

from ..factories import UserFactory


def make_partner(network, name, domain, **fields) -> Partner:
    partner = Partner.objects.create(
        network=network,
        name=name,
        domain=domain,
        provinces=fields.pop("provinces", ["BRU"]),
        **fields,
    )
    ensure_desk_group(partner)
    return partner


@pytest.fixture
def desk(network, icam_coach):
    desk = make_partner(network, "ICAM desk Brussels", Domain.ICAM_DESK, languages=["fr", "nl"])
    icam_coach.groups.add(desk.group)
    return desk


@pytest.fixture
def other_desk(network):
    """Another desk of the same network, with its own coach."""
    desk = make_partner(network, "ICAM desk Antwerp", Domain.ICAM_DESK, provinces=["VAN"])
    coach = UserFactory(centre=None, username="othercoach", roles=[Role.ICAM_COACH])
    coach.groups.add(desk.group)
    return desk


@pytest.fixture
def other_coach(other_desk):
    return other_desk.group.user_set.get()


@pytest.fixture
def foreign_desk(other_network):
    return make_partner(other_network, "ICAM desk Liège", Domain.ICAM_DESK, provinces=["WLG"])


@pytest.fixture
def lawyer(network):
    """A partner that does not use Casework: the sender records its answers."""
    return make_partner(
        network,
        "Legal aid Brussels",
        Domain.LEGAL_AID,
        languages=["fr"],
        welcomes_undocumented=True,
    )


def refer(actor, case, partner, *, fields=("first_name", "languages"), send=True, **data):
    payload = {
        "partner": partner,
        "type": data.pop("type", ReferralType.ICAM),
        "purpose": data.pop("purpose", "Explore a return plan together"),
        "consent_fields": list(fields),
        "consent_given_on": data.pop("consent_given_on", None),
        "consent_method": data.pop("consent_method", "verbal"),
        **data,
    }
    if payload["consent_given_on"] is None:
        payload["consent_given_on"] = timezone.localdate()
    return services.referral_create(actor=actor, case=case, data=payload, send=send)


@pytest.fixture
def referral(holder, case, desk):
    """Sent to the desk; the client consented to share their first name and languages."""
    return refer(holder, case, desk)
