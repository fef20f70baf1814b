"""Real services for the integration tests: Redis, and a Celery worker thread consuming from it.

The Celery app is the project's own (``config.celery.app``); a test changes its configuration
only through :func:`celery_settings`, which puts everything back afterwards.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from tests.conftest import require_service

KEPT_LOGGERS = ("celery", "celery.task", "celery.redirected", "django", "django.db.backends")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _reset_broker_state() -> None:
    """Drop what the app built from the previous broker settings (pools, queues, routes)."""
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)  # a cached_property: rebuilt from the current conf


@pytest.fixture
def celery_settings(monkeypatch) -> Iterator[Callable[..., None]]:
    """Return ``apply(**conf)``: override ``celery_app.conf`` keys for this test only."""
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)

    def apply(**conf) -> None:
        for key, value in conf.items():
            monkeypatch.setitem(celery_app.conf, key, value)
        _reset_broker_state()

    yield apply
    monkeypatch.undo()
    _reset_broker_state()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL, once Redis answers a ping there (in CI a missing Redis fails the test)."""
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        available = bool(client.ping())
        client.close()
    except redis.RedisError:
        available = False
    require_service(available, f"Redis at {REDIS_URL}")
    return REDIS_URL


def _skip_celery_logging_setup(**kwargs) -> None:
    """A ``setup_logging`` receiver: its presence stops Celery reconfiguring the root logger
    (start_worker would set it to ERROR and hide records from the personal-data watcher)."""


@contextmanager
def _logging_kept() -> Iterator[None]:
    """Put the loggers back as they were: the worker's Django fix-up calls ``django.setup()``,
    whose ``dictConfig`` replaces the root handlers (the personal-data watcher among them)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in KEPT_LOGGERS)]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    try:
        yield
    finally:
        for logger, level, handlers, propagate, disabled in saved:
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate
            logger.disabled = disabled
        logging.captureWarnings(False)


@pytest.fixture
def celery_worker(redis_url, celery_settings, monkeypatch):
    """A real Celery worker (solo pool, in a thread) consuming from Redis.

    Each test gets its own queue, so a worker of another test run sharing the Redis database
    never takes our messages, and messages left over from an aborted run never reach us.
    """
    queue = f"casework-test-{uuid.uuid4().hex[:12]}"
    celery_settings(
        broker_url=redis_url,
        broker_write_url=None,
        broker_read_url=None,
        broker_transport_options={},
        task_always_eager=False,
        task_default_queue=queue,
        worker_enable_remote_control=False,
    )
    # start_worker sets these process-wide; monkeypatch restores them.
    monkeypatch.setenv("CELERY_LOG_LEVEL", "")
    monkeypatch.setenv("CELERY_LOG_FILE", "")
    signals.setup_logging.connect(_skip_celery_logging_setup, dispatch_uid="casework-tests")
    try:
        with (
            _logging_kept(),
            start_worker(celery_app, pool="solo", perform_ping_check=False) as worker,
        ):
            yield worker
    finally:
        signals.setup_logging.disconnect(dispatch_uid="casework-tests")
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
        client.close()
