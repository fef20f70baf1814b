"""Notifications as a user reads them, and the centre admin's reminder screen."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import ReminderEmail
from reminders.models import Kind, Reminder, ReminderSetting, Status


def delivered(case, recipient, *, status=Status.SENT, n=0):
    return Reminder.objects.create(
        kind=Kind.GOAL_TARGET,
        object_id=1000 + n,
        case=case,
        reference=case.reference,
        recipient=recipient,
        due_on=timezone.localdate(),
        due_at=timezone.now() - datetime.timedelta(minutes=n),
        status=status,
        delivered_at=timezone.now(),
        last_error="SMTPServerDisconnected: gone" if status == Status.FAILED else "",
    )


def test_the_unread_count_and_opening_a_notification(web, holder, case):
    reminder = delivered(case, holder)
    browser = web(holder)
    page = browser.get(reverse("caseload")).content.decode()
    assert '<span class="count"' in page and ">1</span>" in page
    response = browser.get(reverse("notification_open", args=[reminder.pk]))
    assert response["Location"] == reverse("goal_detail", args=[case.pk, reminder.object_id])
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert '<span class="count"' not in browser.get(reverse("caseload")).content.decode()


def test_mark_as_read_and_mark_all(web, holder, case):
    first, second = delivered(case, holder, n=1), delivered(case, holder, n=2)
    browser = web(holder)
    browser.post(reverse("notification_read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at and not Reminder.objects.get(pk=second.pk).read_at
    browser.post(reverse("notifications_read_all"))
    assert not Reminder.objects.filter(read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(web, holder, reader, case):
    reminder = delivered(case, holder)
    assert web(reader).get(reverse("notification_open", args=[reminder.pk])).status_code == 404
    assert web(reader).post(reverse("notification_read", args=[reminder.pk])).status_code == 404
    assert case.reference not in web(reader).get(reverse("notifications")).content.decode()


def test_the_notification_list_costs_the_same_whatever_its_length(web, holder, case):
    browser = web(holder)
    delivered(case, holder)
    browser.get(reverse("notifications"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            browser.get(reverse("notifications"))
        return len(queries)

    few = count()
    for n in range(1, 12):
        delivered(case, holder, n=n)
    assert count() == few


def test_a_user_chooses_how_to_get_emails(web, holder):
    web(holder).post(reverse("notifications"), {"reminder_email": "daily"})
    holder.refresh_from_db()
    assert holder.reminder_email == ReminderEmail.DAILY
    response = web(holder).post(reverse("notifications"), {"reminder_email": "hourly"})
    assert response.status_code == 200
    holder.refresh_from_db()
    assert holder.reminder_email == ReminderEmail.DAILY


def test_a_centre_admin_sets_times_and_sends_a_failed_reminder_again(
    web, centre_admin, holder, case
):
    failed = delivered(case, holder, status=Status.FAILED, n=99)
    browser = web(centre_admin)
    page = browser.get(reverse("centre_reminders")).content.decode()
    assert "SMTPServerDisconnected" in page and case.reference in page
    data = {}
    for kind in Kind.values:
        data[f"{kind}_lead"], data[f"{kind}_at"] = "2", "07:30"
    browser.post(reverse("centre_reminders"), data)
    setting = ReminderSetting.objects.get(centre=case.centre, kind=Kind.GOAL_TARGET)
    assert (setting.lead_days, setting.send_at) == (2, datetime.time(7, 30))
    assert setting.history.get().history_user == centre_admin
    browser.post(reverse("centre_reminder_resend", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == Status.PENDING


def test_bad_settings_change_nothing(web, centre_admin):
    response = web(centre_admin).post(
        reverse("centre_reminders"), {f"{k}_lead": "99" for k in Kind.values}
    )
    assert response.status_code == 200
    assert not ReminderSetting.objects.exists()


def test_another_centres_failed_reminder_is_404(web, foreigner, holder, case):
    from casework.models import Role

    from ..factories import UserFactory

    admin = UserFactory(centre=foreigner.centre, roles=[Role.CENTRE_ADMIN])
    failed = delivered(case, holder, status=Status.FAILED)
    response = web(admin).post(reverse("centre_reminder_resend", args=[failed.pk]))
    assert response.status_code == 404
    assert case.reference not in web(admin).get(reverse("centre_reminders")).content.decode()
