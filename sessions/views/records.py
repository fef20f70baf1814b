"""Session pages: record, read, edit (with conflict screen and drafts), history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.audit import access_record
from casework.errors import RuleBroken, StaleEdit
from casework.forms import rebind_on_current_version
from casework.models import AccessLog
from clients.access import Action, can, get_case_for
from clients.languages import LANGUAGE_NAMES

from .. import services
from ..access import get_open_case_for, session_of
from ..drafts import draft_discard, draft_for, draft_initial, draft_is_behind, draft_save
from ..forms import SessionForm
from ..history import session_history_entries
from ..topics import topic_choices

MULTIPLE = {"topics"}  # form fields whose draft values are lists


def log_read(request: HttpRequest, kind: str, obj_id: int, case) -> None:
    access_record(user=request.user, kind=kind, record=case, obj_id=obj_id)


def _topics_with_new(form: SessionForm, case, actor) -> list[str]:
    """The ticked topics, plus the one the user typed (added to the centre's checklist, or
    the built-in topic of that name)."""
    topics = list(form.cleaned_data.get("topics") or [])
    label = (form.cleaned_data.get("new_topic") or "").strip()
    if label:
        topic = services.topic_add(actor=actor, centre_id=case.centre_id, label=label)
        code = topic.code if topic else services.builtin_code_for(label)
        if code and code not in topics:
            topics.append(code)
    return topics


@login_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
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
    log_read(request, AccessLog.Kind.SESSION, session.pk, case)
    labels = dict(topic_choices(case.centre_id))
    return render(
        request,
        "sessions/session_detail.html",
        {
            "case": case,
            "session": session,
            "topics": [labels.get(code, code) for code in session.topics],
            "goals": session.goals.all(),
            "interpreter_language": LANGUAGE_NAMES.get(session.interpreter_language, ""),
            "can_change": can(request.user, case, Action.CHANGE) and not case.is_closed,
        },
    )


@login_required
def session_edit(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = get_open_case_for(request.user, pk)
    session = session_of(case, session_pk)
    saved = None
    draft = None
    if request.method != "POST":
        log_read(request, AccessLog.Kind.SESSION, session.pk, case)
        draft = draft_for(request.user, case, session)
        if draft and draft_is_behind(draft, session):
            # The draft was typed on an older version: show what is saved now beside it, so
            # saving the draft is a deliberate choice, never a silent overwrite.
            saved = session_of(case, session_pk)
            messages.warning(
                request,
                _("This session was changed after your draft was written: compare before saving."),
            )
    initial = draft_initial(draft, MULTIPLE) if draft else None
    form = SessionForm(
        request.POST or None, instance=session, initial=initial, centre_id=case.centre_id
    )
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
            form = rebind_on_current_version(
                SessionForm,
                request,
                instance=session_of(case, session_pk),
                centre_id=case.centre_id,
            )
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
def session_history(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    case = get_case_for(request.user, pk)
    session = session_of(case, session_pk)
    log_read(request, AccessLog.Kind.SESSION, session.pk, case)
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
@require_POST
def session_draft(request: HttpRequest, pk: int, session_pk: int | None = None) -> HttpResponse:
    """Autosave of the session form (drafts.js): JSON, so the page can tell a lost login."""
    case = get_open_case_for(request.user, pk)
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
