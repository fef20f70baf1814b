"""Overviews: my caseload, follow-ups, the journey of a case, the client's time line."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from casework.audit import access_record
from casework.models import AccessLog, Role
from casework.paging import paginate
from casework.roles import role_required
from clients.access import get_case_for, get_client_for
from clients.forms import CaseloadFilterForm, CaseSearchForm
from clients.selectors import caseload_cases

from ..journey import journey_for
from ..selectors import caseload_counts, follow_ups_due, goals_due
from ..timeline import client_timeline as client_timeline_items
from .records import log_read


@role_required(Role.COUNSELLOR)
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: the cases the user may see, each with its next follow-up, and what falls
    due. The status filter is a GET parameter; the search (reference or first name) is sent by
    POST, so a name never lands in a URL, a browser history or a server log."""
    form = CaseloadFilterForm(request.GET or None)
    search = CaseSearchForm(request.POST or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    term = (
        search.cleaned_data["q"].strip() if request.method == "POST" and search.is_valid() else ""
    )
    cases = caseload_cases(request.user, status=status, term=term)
    counts = caseload_counts(request.user)
    # The open cases unfiltered are the default list: counted above, not again.
    listed = counts["open"] if not status and not term else None
    # Search hits come on one page: page links are GETs and would drop a POSTed search.
    size = 100 if term else settings.CASEWORK_PAGE_SIZE
    page, query = paginate(request, cases, size, count=listed)
    return render(
        request,
        "sessions/caseload.html",
        {
            "page": page,
            "query": query,
            "form": form,
            "search": search,
            "today": timezone.localdate(),
            "follow_ups_due": counts["follow_ups_due"],
            "goals_due": counts["goals_due"],
        },
    )


@role_required(Role.COUNSELLOR)
def follow_ups(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "sessions/follow_ups.html",
        {
            "today": today,
            "cases": list(follow_ups_due(request.user)[:200]),
            "goals": list(goals_due(request.user)[:200]),
        },
    )


@login_required
def journey(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    log_read(request, AccessLog.Kind.JOURNEY, case.pk, case)
    return render(request, "sessions/journey.html", {"case": case, **journey_for(case)})


@login_required
def client_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CLIENT, record=client)
    return render(
        request,
        "sessions/client_timeline.html",
        {"client": client, "items": client_timeline_items(request.user, client)},
    )
