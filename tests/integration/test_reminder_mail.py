"""Reminders end to end with real services: Redis, a real Celery worker and an SMTP server on
loopback (aiosmtpd). The beat's sweep task runs on the worker, hands the claimed ids to the
delivery task through Redis, and the e-mail reaches the SMTP server exactly once."""

from __future__ import annotations

import datetime
import socket
import time
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from django.db import OperationalError
from django.utils import timezone

from casework.models import ReminderEmail
from clients import services as cases
from reminders import delivery, tasks
from reminders.models import Kind, Reminder, Status
from sessions import services as counselling
from tests.waiting import PATIENCE, eventually

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

SECRETS = ("Quetzalwyrm", "Zorblaxia", "Morocco", "A very private note")


class Inbox:
    """What the SMTP server on loopback accepted; it can be stopped and started again."""

    def __init__(self, port: int) -> None:
        self.messages: list[str] = []
        self.port = port
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings) -> Iterator[Inbox]:
    inbox = Inbox(_free_port())
    inbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield inbox
    finally:
        inbox.stop()


@pytest.fixture
def due(holder) -> Reminder:
    holder.email, holder.reminder_email = "holder@example.org", ReminderEmail.IMMEDIATE
    holder.save()
    _client, case = cases.client_create(
        actor=holder,
        data={"first_name": "Zorblaxia", "last_name": "Quetzalwyrm", "country_of_origin": "MA"},
    )
    counselling.session_record(
        actor=holder,
        case=case,
        data={
            "duration_minutes": 30,
            "notes": "A very private note",
            "next_follow_up": timezone.localdate(),
        },
    )
    reminder = Reminder.objects.get(kind=Kind.FOLLOW_UP)
    Reminder.objects.filter(pk=reminder.pk).update(
        due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return reminder


def _wait(predicate, timeout: float = PATIENCE) -> bool:
    """Whether ``predicate()`` comes true before the deadline (the worker may be slow to start
    on a busy machine; the wait ends as soon as it holds)."""
    # SQLite: the worker holds the table lock for a moment.
    return bool(eventually(predicate, timeout=timeout, retry_on=(OperationalError,)))


def test_the_worker_sweeps_and_the_mail_arrives_once(celery_worker, smtp, due):
    tasks.sweep.delay()
    assert _wait(lambda: Reminder.objects.get(pk=due.pk).status == Status.SENT)
    assert _wait(lambda: len(smtp.messages) == 1)
    # Another sweep, and a late duplicate of the delivery task, change nothing.
    tasks.sweep.delay()
    tasks.deliver.delay([due.pk])
    time.sleep(1.5)
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert due.reference in message
    for secret in SECRETS:
        assert secret not in message


def test_a_refusing_server_is_retried_and_the_mail_arrives_once(smtp, due):
    smtp.stop()  # nothing listens on the port: the connection is refused
    assert delivery.claim_due() == [due.pk]
    assert delivery.deliver(due.pk) == "retry"
    due.refresh_from_db()
    assert due.status == Status.SENDING and "Error" in due.last_error
    smtp.start()
    assert delivery.claim_due() == []  # the back-off holds it a while
    later = due.claimed_until + datetime.timedelta(seconds=1)
    assert delivery.claim_due(later) == [due.pk]
    assert delivery.deliver(due.pk) == "sent"
    assert len(smtp.messages) == 1
