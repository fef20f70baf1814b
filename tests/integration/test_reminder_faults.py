"""Exactly once under faults: a Celery worker, started as a separate process, is killed with
SIGKILL in the middle of a delivery (while the SMTP server is answering it), a new worker takes
over after the lease, and the reminder reaches the SMTP server once.

The worker is another process, so it must reach the test's database: this runs on PostgreSQL
(CI always does; on a workstation with SQLite it skips) with committed data.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from reminders import delivery, tasks
from reminders.models import Reminder, Status
from tests.conftest import require_service
from tests.waiting import PATIENCE

from .test_reminder_mail import Inbox, _free_port, _wait, due  # noqa: F401 (fixture)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class SlowInbox(Inbox):
    """Holds the first conversation at RCPT until released: the client is mid-delivery."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.waiting = threading.Event()
        self.release = threading.Event()
        self.first = True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.first:
            self.first = False
            self.waiting.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def slow_smtp() -> Iterator[SlowInbox]:
    inbox = SlowInbox(_free_port())
    inbox.start()
    try:
        yield inbox
    finally:
        inbox.release.set()
        inbox.stop()


def _database_url() -> str:
    db = django_settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process(redis_url, celery_settings, slow_smtp, tmp_path):
    """Start ``celery worker`` processes on a queue of this test, against the test database."""
    require_service(connection.vendor == "postgresql", "PostgreSQL (a worker process shares it)")
    queue = f"casework-faults-{uuid.uuid4().hex[:12]}"
    celery_settings(broker_url=redis_url, task_default_queue=queue, task_always_eager=False)
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{slow_smtp.port}",
        "CASEWORK_VAR_DIR": str(tmp_path / "var"),
    }
    started: list[subprocess.Popen] = []

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "--app",
                "config",
                "worker",
                "--pool",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "WARNING",
                "-Q",
                queue,
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_a_worker_killed_mid_delivery_leaves_the_reminder_to_be_sent_once(
    worker_process,
    slow_smtp,
    due,  # noqa: F811 (the imported fixture)
):
    first = worker_process()
    assert delivery.claim_due() == [due.pk]
    tasks.deliver.delay([due.pk])
    assert slow_smtp.waiting.wait(timeout=PATIENCE), "the worker never reached the SMTP server"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    slow_smtp.release.set()
    # The dead worker's transaction is rolled back: the row is still claimed, nothing was sent.
    assert _wait(lambda: Reminder.objects.get(pk=due.pk).status == Status.SENDING)
    assert slow_smtp.messages == []

    worker_process()
    # Within the lease nobody takes it; the next sweep after the lease does.
    assert delivery.claim_due() == []
    later = timezone.now() + delivery.LEASE + datetime.timedelta(seconds=1)
    assert delivery.claim_due(later) == [due.pk]
    tasks.deliver.delay([due.pk])
    assert _wait(lambda: Reminder.objects.get(pk=due.pk).status == Status.SENT)
    assert _wait(lambda: len(slow_smtp.messages) == 1)
    time.sleep(2)  # a redelivered copy of the killed task would arrive now: it finds it sent
    assert len(slow_smtp.messages) == 1
