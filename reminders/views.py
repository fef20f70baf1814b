"""Each user's notifications (their delivered reminders), and the centre admin's screen: when
reminders fall due, and the ones that could not be delivered."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.models import Role
from casework.paging import paginate
from casework.roles import role_required

from . import kinds, services
from .forms import EmailPreferenceForm, ReminderSettingsForm
from .models import Reminder, ReminderSetting, Status


def _mine(request: HttpRequest, pk: int) -> Reminder:
    try:
        return Reminder.objects.notifications_of(request.user).get(pk=pk)
    except Reminder.DoesNotExist:
        raise Http404("No such notification.") from None


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = Reminder.objects.notifications_of(request.user).order_by("-delivered_at", "-id")
    page, query = paginate(request, rows, settings.CASEWORK_PAGE_SIZE)
    for row in page.object_list:
        row.url = reverse_open(row)
    form = EmailPreferenceForm(
        request.POST or None, initial={"reminder_email": request.user.reminder_email}
    )
    if request.method == "POST" and form.is_valid():
        services.reminder_email_set(
            user=request.user, reminder_email=form.cleaned_data["reminder_email"]
        )
        messages.success(request, _("Your choice was saved."))
        return redirect("notifications")
    return render(
        request, "reminders/notifications.html", {"page": page, "query": query, "form": form}
    )


def reverse_open(row: Reminder) -> str:
    return reverse("notification_open", kwargs={"pk": row.pk})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark as read and go to the case (or the referral) it is about."""
    row = _mine(request, pk)
    services.mark_read(user=request.user, reminder=row)
    return redirect(kinds.url_of(row))


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_read(user=request.user, reminder=_mine(request, pk))
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return redirect("notifications")


@role_required(Role.CENTRE_ADMIN)
def centre_reminders(request: HttpRequest) -> HttpResponse:
    centre_id = request.user.centre_id
    current = {
        s.kind: (s.lead_days, s.send_at)
        for s in ReminderSetting.objects.filter(centre_id=centre_id)
    }
    form = ReminderSettingsForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        moved = services.reminder_settings_update(
            actor=request.user, centre_id=centre_id, values=form.values()
        )
        messages.success(
            request,
            _("The settings were saved; %(count)s waiting reminders were moved.")
            % {"count": moved},
        )
        return redirect("centre_reminders")
    failed = (
        Reminder.objects.filter(case__centre_id=centre_id, status=Status.FAILED)
        .select_related("recipient")
        .order_by("-due_at")
    )
    page, query = paginate(request, failed, settings.CASEWORK_PAGE_SIZE)
    return render(
        request,
        "reminders/centre_reminders.html",
        {"form": form, "page": page, "query": query},
    )


@role_required(Role.CENTRE_ADMIN)
@require_POST
def centre_reminder_resend(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = Reminder.objects.get(
            pk=pk, case__centre_id=request.user.centre_id, status=Status.FAILED
        )
    except Reminder.DoesNotExist:
        raise Http404("No such failed reminder.") from None
    services.reminder_resend(actor=request.user, reminder=row)
    messages.success(request, _("The reminder will be sent again within a minute."))
    return redirect("centre_reminders")
