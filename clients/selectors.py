"""Reads of cases for lists, always through the permission layer."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from casework.crypto import search_hash
from casework.models import User

from .access import visible_cases, with_access
from .models import Case, CaseStatus


def caseload_cases(user: User, *, status: str = "", term: str = "") -> QuerySet[Case]:
    """The cases ``user`` may see, with their access, filtered by status ("" = open ones,
    "all" = every state) and by a search term on the reference or the client's first name."""
    cases = with_access(visible_cases(user), user).select_related("client", "assigned_to")
    if status == "all":
        pass
    elif status:
        cases = cases.filter(status=status)
    else:
        cases = cases.exclude(status=CaseStatus.CLOSED)
    if term:
        cases = cases.filter(
            Q(client__reference__icontains=term) | Q(client__first_name_hash=search_hash(term))
        )
    return cases
