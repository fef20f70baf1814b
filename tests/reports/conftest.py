from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from casework.models import Role
from clients import ages
from clients.models import Case, Client
from tests.factories import CentreFactory, UserFactory, counsellor, make_case

# A whole year that has ended: every one of its months is published.
YEAR = timezone.localdate().year - 1


def at(month: int, day: int = 10, year: int = YEAR) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 11))


@pytest.fixture
def second_centre(network):
    """Another centre of the coordinator's network."""
    return CentreFactory(code="BXL", name="Brussels south", network=network)


@pytest.fixture
def second_holder(second_centre):
    return counsellor(second_centre)


@pytest.fixture
def network_coordinator(network, centre):
    return UserFactory(centre=None, network=network, roles=[Role.COORDINATOR])


@pytest.fixture
def closed_cases(holder):
    """Make ``n`` cases closed with ``outcome`` in ``month`` of ``YEAR`` (opened a month
    earlier, or in ``opened``), their clients described by ``client``."""

    def make(n, *, month=2, outcome="legal_stay", by=None, opened=None, **client):
        made = [make_case(by or holder, **client) for _ in range(n)]
        opened_at = opened or at(max(month - 1, 1), 1)
        Case.objects.filter(pk__in=[c.pk for c in made]).update(
            status="closed", outcome=outcome, opened_at=opened_at, closed_at=at(month, 15)
        )
        Client.objects.filter(pk__in=[c.client_id for c in made]).update(created_at=opened_at)
        ages.refresh(Case.objects.filter(pk__in=[c.pk for c in made]))  # opened earlier
        return made

    return make
