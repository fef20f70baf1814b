"""Sessions, goals and the journey view: always reached through their case.

The case comes from ``clients.access.get_case_for`` (404 when it is not the user's to see,
403 when they may only read), its sessions and goals through the case.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.audit import access_record
from casework.errors import RuleBroken, StaleEdit
from casework.models import AccessLog
from casework.paging import paginate
from clients.access import Action, can, get_case_for, get_client_for
from clients.forms import CaseloadFilterForm, CaseSearchForm
from clients.selectors import caseload_cases

from . import services
from .access import goal_of, session_of
from .drafts import draft_discard, draft_for, draft_initial, draft_save
from .forms import GoalForm, GoalStatusForm, ProgressForm, SessionForm
from .history import goal_history_entries, session_history_entries
from .journey import journey_for
from .models import InfoTopic
from .selectors import follow_ups_due, goals_due, with_next_follow_up
from .timeline import client_timeline as client_timeline_items
from .topics import topic_choices

MULTIPLE = {"topics"}  # form fields whose draft values are lists


def _log(request: HttpRequest, kind: str, obj_id: int, case) -> None:
    access_record(user=request.user, kind=kind, record=case, obj_id=obj_id)


def _topics_with_new(form: SessionForm, case, actor) -> list[str]:
    """The ticked topics, plus the one the user typed (added to the centre's checklist)."""
    topics = list(form.cleaned_data.get("topics") or [])
    label = (form.cleaned_data.get("new_topic") or "").strip()
    if label:
        topic = InfoTopic.objects.filter(centre_id=case.centre_id, label__iexact=label).first()
        if topic is None:
            topic = InfoTopic(centre_id=case.centre_id, label=label)
            topic._history_user = actor
            topic.save()
        topics.append(topic.code)
    return topics


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    draft = draft_for(request.user, case) if request.method != "POST" else None
    initial = draft_initial(draft, MULTIPLE) if draft else None
    form = SessionForm(request.POST or None, initial=initial, centre_id=case.centre_id)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                data = {**form.cleaned_data, "topics": _topics_with_new(form, case, request.user)}
                session = services.session_record(actor=request.user, case=case, data=data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The session was recorded."))
            return redirect("session_detail", pk=case.pk, session_pk=session.pk)
    return render(
        request, "sessions/session_form.html", {"case": case, "form": form, "draft": draft}
    )


@login_required
def session_detail(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    session = session_of(case, session_pk)
    _log(request, AccessLog.Kind.SESSION, session.pk, case)
    labels = dict(topic_choices(case.centre_id))
    return render(
        request,
        "sessions/session_detail.html",
        {
            "case": case,
            "session": session,
            "topics": [labels.get(code, code) for code in session.topics],
            "goals": session.goals.all(),
            "can_change": can(request.user, case, Action.CHANGE) and not case.is_closed,
        },
    )


@login_required
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    session = session_of(case, session_pk)
    draft = draft_for(request.user, case, session) if request.method != "POST" else None
    initial = draft_initial(draft, MULTIPLE) if draft else None
    form = SessionForm(
        request.POST or None, instance=session, initial=initial, centre_id=case.centre_id
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                data = {**form.cleaned_data, "topics": _topics_with_new(form, case, request.user)}
                services.session_update(
                    actor=request.user,
                    session=session,
                    expected_version=form.cleaned_data["version"] or 0,
                    data=data,
                )
        except StaleEdit as error:
            # The typed text stays in the form; the saved version is shown beside it and a new
            # save is based on it, so replacing it is a conscious choice.
            messages.error(request, error.message)
            saved = session_of(case, session_pk)
            posted = request.POST.copy()
            posted["version"] = str(saved.version)
            # A fresh instance for the form: validating writes the input into its instance.
            form = SessionForm(
                posted, instance=session_of(case, session_pk), centre_id=case.centre_id
            )
            form.is_valid()
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("session_detail", pk=case.pk, session_pk=session.pk)
    return render(
        request,
        "sessions/session_form.html",
        {"case": case, "form": form, "session": session, "saved": saved, "draft": draft},
    )


@login_required
def goal_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    form = GoalForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.goal_set(
                actor=request.user,
                case=case,
                data=form.cleaned_data,
                sessions=form.cleaned_data["sessions"],
            )
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal was set."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return render(request, "sessions/goal_form.html", {"case": case, "form": form})


def _goal_page(request, case, goal, **forms) -> HttpResponse:
    can_change = can(request.user, case, Action.CHANGE) and not case.is_closed
    return render(
        request,
        "sessions/goal_detail.html",
        {
            "case": case,
            "goal": goal,
            "progress": goal.progress.select_related("created_by"),
            "sessions": goal.sessions.all(),
            "changes": goal.history.filter(history_change_reason__isnull=False)
            .exclude(history_change_reason="")
            .select_related("history_user")
            .order_by("-history_date"),
            "can_change": can_change,
            "status_form": forms.get("status_form")
            or GoalStatusForm(goal=goal, initial={"version": goal.version}),
            "progress_form": forms.get("progress_form") or ProgressForm(),
        },
    )


@login_required
def goal_detail(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    _log(request, AccessLog.Kind.GOAL, goal.pk, case)
    return _goal_page(request, case, goal)


@login_required
def goal_edit(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    goal = goal_of(case, goal_pk)
    form = GoalForm(request.POST or None, instance=goal, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                actor=request.user,
                goal=goal,
                expected_version=form.cleaned_data["version"] or 0,
                data=form.cleaned_data,
                sessions=form.cleaned_data["sessions"],
            )
        except RuleBroken as error:  # StaleEdit included: the form keeps the input
            if isinstance(error, StaleEdit):
                messages.error(request, error.message)
            else:
                form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return render(request, "sessions/goal_form.html", {"case": case, "form": form, "goal": goal})


@login_required
@require_POST
def goal_status(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    goal = goal_of(case, goal_pk)
    form = GoalStatusForm(request.POST, goal=goal)
    if form.is_valid():
        try:
            services.goal_change_status(
                actor=request.user,
                goal=goal,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except StaleEdit as error:
            messages.error(request, error.message)
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The goal's status was changed."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return _goal_page(request, case, goal, status_form=form)


@login_required
@require_POST
def goal_progress(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    goal = goal_of(case, goal_pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.goal_progress_record(actor=request.user, goal=goal, **form.cleaned_data)
        except RuleBroken as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The progress was recorded."))
            return redirect("goal_detail", pk=case.pk, goal_pk=goal.pk)
    return _goal_page(request, case, goal, progress_form=form)


@login_required
def journey(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    _log(request, AccessLog.Kind.JOURNEY, case.pk, case)
    return render(request, "sessions/journey.html", {"case": case, **journey_for(case)})


@login_required
def session_history(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    session = session_of(case, session_pk)
    _log(request, AccessLog.Kind.SESSION, session.pk, case)
    labels = dict(topic_choices(case.centre_id))
    return render(
        request,
        "sessions/history.html",
        {
            "case": case,
            "title": _("History of the session of %(date)s")
            % {"date": formats.date_format(session.held_on, "SHORT_DATE_FORMAT")},
            "back": reverse("session_detail", kwargs={"pk": case.pk, "session_pk": session.pk}),
            "entries": session_history_entries(session, labels),
        },
    )


@login_required
def goal_history(request: HttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    goal = goal_of(case, goal_pk)
    _log(request, AccessLog.Kind.GOAL, goal.pk, case)
    return render(
        request,
        "sessions/history.html",
        {
            "case": case,
            "title": _("History of the goal"),
            "back": reverse("goal_detail", kwargs={"pk": case.pk, "goal_pk": goal.pk}),
            "entries": goal_history_entries(goal),
        },
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    if not request.user.is_counsellor:
        raise Http404
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
@require_POST
def session_draft(request: HttpRequest, pk: int, session_pk: int | None = None) -> HttpResponse:
    """Autosave of the session form (drafts.js): JSON, so the page can tell a lost login."""
    case = get_case_for(request.user, pk, Action.CHANGE)
    session = session_of(case, session_pk) if session_pk else None
    draft = draft_save(author=request.user, case=case, session=session, posted=request.POST)
    if draft is None:
        return JsonResponse({"saved": False, "error": "too large"}, status=413)
    saved_at = timezone.localtime(draft.saved_at)
    return JsonResponse({"saved": True, "saved_at": formats.time_format(saved_at, "TIME_FORMAT")})


@login_required
@require_POST
def session_draft_discard(
    request: HttpRequest, pk: int, session_pk: int | None = None
) -> HttpResponse:
    case = get_case_for(request.user, pk, Action.CHANGE)
    session = session_of(case, session_pk) if session_pk else None
    draft_discard(author=request.user, case=case, session=session)
    messages.info(request, _("The draft was discarded."))
    if session:
        return redirect("session_edit", pk=case.pk, session_pk=session.pk)
    return redirect("session_create", pk=case.pk)


@login_required
def client_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_client_for(request.user, pk)
    access_record(user=request.user, kind=AccessLog.Kind.CLIENT, record=client)
    return render(
        request,
        "sessions/client_timeline.html",
        {"client": client, "items": client_timeline_items(request.user, client)},
    )


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: the cases the user may see, each with its next follow-up, and what falls
    due. The status filter is a GET parameter; the search (reference or first name) is sent by
    POST, so a name never lands in a URL, a browser history or a server log."""
    if not request.user.is_counsellor:
        raise Http404
    form = CaseloadFilterForm(request.GET or None)
    search = CaseSearchForm(request.POST or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    term = (
        search.cleaned_data["q"].strip() if request.method == "POST" and search.is_valid() else ""
    )
    cases = with_next_follow_up(caseload_cases(request.user, status=status, term=term))
    page, query = paginate(request, cases, settings.CASEWORK_PAGE_SIZE)
    return render(
        request,
        "sessions/caseload.html",
        {
            "page": page,
            "query": query,
            "form": form,
            "search": search,
            "today": timezone.localdate(),
            "follow_ups_due": follow_ups_due(request.user).count(),
            "goals_due": goals_due(request.user).count(),
        },
    )
