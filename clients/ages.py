"""A client's age on the day a case opened, kept on the case: the coordinators' figures count
ages without reading the (encrypted) birth date."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone


def age_on(birth: date | None, opened: datetime) -> int | None:
    """Whole years on the local day of ``opened``: less one before that year's birthday."""
    if birth is None:
        return None
    day = timezone.localtime(opened).date() if timezone.is_aware(opened) else opened.date()
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def refresh(cases: QuerySet) -> None:
    """Work the ages out again (after a birth date or an opening date changed)."""
    from .models import Case

    # A derived number, kept out of the case's history on purpose (Case.history excludes it):
    # the birth date that moves it has its own history row, with who changed it.
    for case in cases.select_related("client").only("pk", "opened_at", "client__birth_date"):
        Case.objects.filter(pk=case.pk).update(
            age_at_opening=age_on(case.client.birth_date, case.opened_at)
        )
