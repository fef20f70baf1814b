"""The sweep and the delivery, in-process: claimed once, delivered once, no personal data."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from casework.models import ReminderEmail
from clients import services as cases
from reminders import delivery, services, tasks
from reminders.models import Kind, Reminder, Status
from sessions import services as counselling

NOW = timezone.now()
SECRETS = ("Quetzalwyrm", "Zorblaxia", "Morocco", "Become a cook", "A very private note")


@pytest.fixture
def secret_case(holder):
    return cases.client_create(
        actor=holder,
        data={"first_name": "Zorblaxia", "last_name": "Quetzalwyrm", "country_of_origin": "MA"},
    )[1]


@pytest.fixture
def due(holder, secret_case):
    """A follow-up reminder for today, already due, for a holder who wants e-mails at once."""
    holder.email, holder.reminder_email = "holder@example.org", ReminderEmail.IMMEDIATE
    holder.save()
    counselling.session_record(
        actor=holder,
        case=secret_case,
        data={
            "duration_minutes": 30,
            "notes": "A very private note",
            "next_follow_up": timezone.localdate(),
        },
    )
    counselling.goal_set(
        actor=holder,
        case=secret_case,
        data={"category": "training", "description": "Become a cook"},
    )
    reminder = Reminder.objects.get(kind=Kind.FOLLOW_UP)
    Reminder.objects.filter(pk=reminder.pk).update(due_at=NOW - datetime.timedelta(minutes=1))
    return reminder


def run_sweep(now=None) -> list[int]:
    ids = delivery.claim_due(now or timezone.now())
    for reminder_id in ids:
        delivery.deliver(reminder_id)
    return ids


def test_a_due_reminder_is_delivered_once_in_the_app_and_by_email(due, holder, mailoutbox):
    assert run_sweep() == [due.pk]
    due.refresh_from_db()
    assert due.status == Status.SENT and due.delivered_at and due.emailed_at
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["holder@example.org"]
    assert due.reference in mail.subject and due.reference in mail.body
    assert f"/cases/{due.case_id}/" in mail.body
    assert run_sweep() == []
    assert delivery.deliver(due.pk) == "not claimed"
    assert len(mailoutbox) == 1


def test_no_email_ever_carries_personal_data(due, holder, secret_case, mailoutbox):
    goal = secret_case.goals.get()
    counselling.goal_update(
        actor=holder,
        goal=goal,
        expected_version=goal.version,
        data={"target_date": timezone.localdate()},
        sessions=[],
    )
    Reminder.objects.update(due_at=NOW - datetime.timedelta(minutes=1))
    run_sweep()
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        text = mail.subject + mail.body
        for secret in SECRETS:
            assert secret not in text


def test_a_future_reminder_waits(due):
    Reminder.objects.filter(pk=due.pk).update(due_at=NOW + datetime.timedelta(hours=1))
    assert run_sweep() == []
    assert run_sweep(NOW + datetime.timedelta(hours=2)) == [due.pk]


def test_a_claim_whose_worker_died_is_claimed_again_after_its_lease(due, mailoutbox):
    assert delivery.claim_due(NOW) == [due.pk]
    # The worker died: nothing delivered. Within the lease nobody else takes it...
    assert delivery.claim_due(NOW + datetime.timedelta(minutes=1)) == []
    # ...after it, the next sweep does, and it is delivered once.
    later = NOW + delivery.LEASE + datetime.timedelta(seconds=1)
    assert delivery.claim_due(later) == [due.pk]
    assert delivery.deliver(due.pk) == "sent"
    assert len(mailoutbox) == 1
    due.refresh_from_db()
    assert due.attempts == 2


def test_a_reminder_the_recipient_may_no_longer_see_is_dropped(due, outsider, mailoutbox):
    Reminder.objects.filter(pk=due.pk).update(recipient=outsider)
    run_sweep()
    due.refresh_from_db()
    assert due.status == Status.CANCELLED
    assert mailoutbox == []


def test_a_refusing_mail_server_is_retried_then_reported(due, monkeypatch, mailoutbox):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    now = NOW
    for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
        assert delivery.claim_due(now) == [due.pk], attempt
        assert delivery.deliver(due.pk) in ("retry", "failed")
        due.refresh_from_db()
        now = (due.claimed_until or now) + datetime.timedelta(seconds=1)
    assert due.status == Status.FAILED
    assert "SMTPServerDisconnected" in due.last_error
    assert delivery.claim_due(now + datetime.timedelta(days=1)) == []
    monkeypatch.undo()
    admin = due.case.centre.users.model.objects.create(username="ca", centre=due.case.centre)
    admin.roles.create(role="centre_admin")
    services.reminder_resend(actor=admin, reminder=due)
    assert run_sweep() == [due.pk]
    assert len(mailoutbox) == 1


def test_the_daily_email_gathers_the_days_reminders(due, holder, mailoutbox):
    holder.reminder_email = ReminderEmail.DAILY
    holder.save()
    run_sweep()
    assert mailoutbox == []
    assert delivery.digest_recipients() == [holder.pk]
    assert delivery.send_digest(holder.pk) == 1
    assert delivery.send_digest(holder.pk) == 0
    assert len(mailoutbox) == 1 and due.reference in mailoutbox[0].body


def test_the_email_speaks_the_recipients_language(due, holder, mailoutbox):
    holder.language = "nl"
    holder.save()
    run_sweep()
    assert "Casework" in mailoutbox[0].subject
    assert "Hello" not in mailoutbox[0].body


def test_tasks_carry_ids_only(due, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.deliver, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep() == 1
    assert sent == [(([due.pk],), {})]


def test_ten_thousand_due_reminders_are_claimed_in_one_pass(
    holder, case, django_assert_max_num_queries
):
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(
            kind=Kind.GOAL_TARGET,
            object_id=n,
            case=case,
            reference=case.reference,
            recipient=holder,
            due_on=timezone.localdate(),
            due_at=now - datetime.timedelta(seconds=n),
        )
        for n in range(10_000)
    )
    # One SELECT … FOR UPDATE, then batched UPDATEs and history INSERTs: no query per row.
    with django_assert_max_num_queries(40):
        ids = delivery.claim_due(now)
    assert len(ids) == len(set(ids)) == 10_000
    assert not Reminder.objects.exclude(status=Status.SENDING).exists()
    assert delivery.claim_due(now) == []


def test_a_reminder_sent_is_not_made_again_when_the_centre_changes_its_timing(
    due, holder, secret_case, centre_admin, mailoutbox
):
    run_sweep()
    services.reminder_settings_update(
        actor=centre_admin,
        centre_id=secret_case.centre_id,
        values={kind: (1, datetime.time(7, 0)) for kind in Kind.values},
    )
    session = secret_case.sessions.get()
    counselling.session_update(
        actor=holder, session=session, expected_version=session.version, data={"notes": "x"}
    )
    assert Reminder.objects.filter(kind=Kind.FOLLOW_UP).count() == 1
    assert run_sweep(NOW + datetime.timedelta(days=1)) == []
    assert len(mailoutbox) == 1


def test_a_failing_email_still_shows_the_reminder_in_the_app(due, holder, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"holder@example.org": (550, b"unknown")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    run_sweep()
    assert Reminder.objects.notifications_of(holder).filter(pk=due.pk).exists()
    due.refresh_from_db()
    # The reason names the error, never the address the server quoted.
    assert due.last_error == "SMTPRecipientsRefused"


def test_a_row_that_always_breaks_is_given_up(due, monkeypatch):
    def broken(reminder):
        raise ValueError("a bug, not the mail server")

    monkeypatch.setattr(delivery.kinds, "still_due", broken)
    now = NOW
    for _attempt in range(delivery.MAX_ATTEMPTS):
        tasks.deliver(delivery.claim_due(now))  # the task logs and goes on
        now += delivery.LEASE + datetime.timedelta(seconds=1)
    assert delivery.claim_due(now) == []
    due.refresh_from_db()
    assert due.status == Status.FAILED


def test_a_transfer_hands_on_a_reminder_already_claimed(due, holder, secret_case, outsider):
    assert delivery.claim_due() == [due.pk]
    secret_case.refresh_from_db()
    cases.case_transfer(actor=holder, case=secret_case, to_user=outsider, keep_access=True)
    assert delivery.deliver(due.pk) == "sent"
    due.refresh_from_db()
    assert due.recipient == outsider


def test_a_follow_up_is_delivered_even_when_the_cases_copy_of_its_date_lags(
    due, secret_case, mailoutbox
):
    """A session saved by the previous release during an upgrade leaves the case's copy of
    the date behind: the sweep asks the sessions, and the reminder still goes."""
    from clients.models import Case

    Case.objects.filter(pk=secret_case.pk).update(next_follow_up=None)
    assert due.pk in run_sweep()
    due.refresh_from_db()
    assert due.delivered_at is not None
