"""Reads of cases for lists, always through the permission layer."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from casework.crypto import search_hash
from casework.models import User

from .access import visible_cases, with_access
from .models import OPEN_STATUSES, Case

# A list names a client by reference only: their identity stays encrypted in the row instead
# of being decrypted for every line (four decryptions a case).
UNSHOWN_IDENTITY = [
    f"client__{name}" for name in ("first_name", "last_name", "birth_date", "phone")
]


def caseload_cases(user: User, *, status: str = "", term: str = "") -> QuerySet[Case]:
    """The cases ``user`` may see, with their access, filtered by status ("" = open ones,
    "all" = every state) and by a search term on the reference or the client's first name."""
    cases = (
        with_access(visible_cases(user), user)
        .select_related("client", "assigned_to")
        .defer(*UNSHOWN_IDENTITY)
    )
    if status == "all":
        pass
    elif status:
        cases = cases.filter(status=status)
    else:  # the open states listed, so the (counsellor, status) index serves them
        cases = cases.filter(status__in=OPEN_STATUSES)
    if term:
        cases = cases.filter(
            Q(client__reference__icontains=term) | Q(client__first_name_hash=search_hash(term))
        )
    return cases
