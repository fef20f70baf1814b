"""A real Celery worker, fed through Redis, runs the beat's heartbeat task; /healthz sees it.

The worker runs in a thread of this process (``celery.contrib.testing.worker.start_worker``),
so the task writes through that thread's own database connection: the test must commit its
data for the worker to see it, and see what the worker commits, hence ``transaction=True``.

It runs on both databases, with no special case. On PostgreSQL the worker's connection opens
the test database like any other. On SQLite, Django's test database is an in-memory database
in shared-cache mode (``file:memorydb_default?mode=memory&cache=shared``): every connection
of this process, the worker thread's included, opens the same database for as long as the
test's own connection keeps it alive. A read may meet the worker's table lock for an instant
(shared cache answers "table is locked" at once rather than waiting), so the poll retries.
Redis is the only extra service: without it the test skips locally and fails in CI.
"""

from __future__ import annotations

import pytest
from django.db import OperationalError

from casework.models import Heartbeat
from casework.tasks import beat_heartbeat
from tests.waiting import PATIENCE, eventually

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _wait_for_tick() -> Heartbeat | None:
    # SQLite: the worker holds the table lock for a moment.
    return eventually(
        lambda: Heartbeat.objects.filter(name="beat").first(), retry_on=(OperationalError,)
    )


def test_worker_runs_the_heartbeat_and_healthz_reports_the_beat(celery_worker, web):
    assert not Heartbeat.objects.filter(name="beat").exists()

    beat_heartbeat.delay()

    tick = _wait_for_tick()
    assert tick is not None, f"the worker did not record a beat tick within {PATIENCE:.0f} s"

    response = web().get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["beat"]["ok"] is True
    assert body["broker"] == {"ok": True, "transport": "redis"}
    assert body["database"]["ok"] is True
