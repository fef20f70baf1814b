"""Redis stops in the middle of a sweep: the claimed reminders cannot be handed to the workers.
Nothing is lost: they stay claimed until their lease runs out, and once Redis is back the next
sweep claims them again and a real worker delivers each one once.

The test runs its own Redis server on a free port (the machine's Redis stays untouched)."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app as celery_app
from reminders import delivery, tasks
from reminders.models import Reminder, Status
from tests.conftest import require_service
from tests.waiting import PATIENCE, eventually

from .conftest import _logging_kept
from .test_reminder_mail import _free_port, _wait, due, smtp  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        if not eventually(client.ping, interval=0.05, retry_on=(redis.RedisError,)):
            raise RuntimeError(f"the private Redis did not answer within {PATIENCE:.0f} s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(celery_settings) -> Iterator[PrivateRedis]:
    require_service(shutil.which("redis-server") is not None, "redis-server")
    server = PrivateRedis()
    server.start()
    celery_settings(
        broker_url=server.url,
        broker_transport_options={},
        broker_connection_retry=False,
        broker_connection_max_retries=0,
        task_publish_retry=False,
        task_always_eager=False,
    )
    try:
        yield server
    finally:
        server.stop()


def test_redis_down_during_a_sweep_loses_nothing(private_redis, smtp, due):  # noqa: F811
    private_redis.stop()
    with pytest.raises(Exception):  # noqa: B017 (kombu's error depends on where it fails)
        tasks.sweep()  # the claim commits, the hand-over to Redis fails
    due.refresh_from_db()
    assert due.status == Status.SENDING
    assert smtp.messages == []

    private_redis.start()
    later = timezone.now() + delivery.LEASE + datetime.timedelta(seconds=1)
    with _logging_kept(), start_worker(celery_app, pool="solo", perform_ping_check=False):
        assert delivery.claim_due(later) == [due.pk]
        tasks.deliver.delay([due.pk])
        assert _wait(lambda: Reminder.objects.get(pk=due.pk).status == Status.SENT)
    assert len(smtp.messages) == 1
