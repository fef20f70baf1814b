"""/healthz: anonymous, JSON, 200 only when the database, the broker and the beat are all well.

Whatever breaks, the answer is a 503 naming the failing part, never a 500.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from casework.models import Heartbeat

pytestmark = pytest.mark.django_db

PARTS = ("database", "broker", "beat")


@pytest.fixture(autouse=True)
def _working_broker(celery_settings):
    """A broker that always answers (kombu's in-memory transport), whatever the environment
    or a local .env configures; the broker tests below replace it with a broken one."""
    celery_settings(broker_url="memory://", broker_write_url=None, broker_transport_options={})


def _get(web) -> tuple[int, dict]:
    response = web().get("/healthz")  # anonymous
    assert response.status_code != 500
    assert response.status_code in (200, 503), response.status_code
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def _failing(body: dict) -> set[str]:
    return {part for part in PARTS if not body[part]["ok"]}


def _tick(age_seconds: float) -> None:
    Heartbeat.objects.update_or_create(
        name="beat", defaults={"at": timezone.now() - timedelta(seconds=age_seconds)}
    )


def test_no_beat_tick_yet_is_unhealthy(web):
    status, body = _get(web)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert _failing(body) == {"beat"}
    assert body["beat"]["last_tick"] is None


def test_fresh_beat_tick_is_healthy(web):
    _tick(age_seconds=1)
    status, body = _get(web)
    assert status == 200, body
    assert body["status"] == "ok"
    assert _failing(body) == set()
    assert body["broker"]["transport"] == "memory"


def test_tick_just_inside_the_window_is_healthy(web):
    _tick(age_seconds=settings.HEARTBEAT_STALE_AFTER_SECONDS - 5)
    status, body = _get(web)
    assert status == 200, body


def test_stale_beat_tick_is_unhealthy(web):
    _tick(age_seconds=settings.HEARTBEAT_STALE_AFTER_SECONDS + 5)
    status, body = _get(web)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert _failing(body) == {"beat"}
    assert body["beat"]["age_seconds"] > settings.HEARTBEAT_STALE_AFTER_SECONDS
    assert body["beat"]["last_tick"]


def test_stale_after_follows_the_setting(web, settings):
    settings.HEARTBEAT_STALE_AFTER_SECONDS = 10
    _tick(age_seconds=60)
    status, body = _get(web)
    assert status == 503
    assert _failing(body) == {"beat"}


@pytest.mark.parametrize(
    "broker_url",
    [
        pytest.param("redis://127.0.0.1:1/0", id="unreachable-redis"),
        pytest.param("nosuchtransport://127.0.0.1/", id="unknown-transport"),
    ],
)
def test_unreachable_broker_is_unhealthy(web, celery_settings, broker_url):
    _tick(age_seconds=1)
    celery_settings(broker_url=broker_url, broker_write_url=None, broker_transport_options={})
    status, body = _get(web)
    assert status == 503
    assert body["status"] == "unhealthy"
    assert _failing(body) == {"broker"}
    assert body["broker"]["error"]


def test_unreachable_database_is_unhealthy(web, monkeypatch):
    _tick(age_seconds=1)

    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("config.health.connection", DownConnection())
    status, body = _get(web)
    assert status == 503
    assert _failing(body) == {"database"}
    assert body["database"]["error"] == "OperationalError"
