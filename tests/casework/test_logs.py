"""Structured logs: every request has an id, sent back in a header and on every log line."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest

from casework.logs import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What the root logger writes as JSON while the test runs, one parsed line each."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_request_gets_an_id_that_its_log_lines_carry(web, holder, json_lines):
    response = web(holder).get("/no-such-page/")
    assert response.status_code == 404
    given = response.headers["X-Request-ID"]
    assert len(given) == 32
    lines = [line for line in json_lines() if line["logger"] == "django.request"]
    assert lines and all(line["request_id"] == given for line in lines)
    assert {"time", "level", "logger", "message"} <= set(lines[0])
    other = web(holder).get("/no-such-page/").headers["X-Request-ID"]
    assert other != given
    assert request_id.get() == "-"  # nothing leaks into the next request


def test_the_proxys_id_is_kept_when_it_looks_like_one(web):
    response = web().get("/accounts/login/", HTTP_X_REQUEST_ID="3f2a9c0d4e5b6a7f")
    assert response.headers["X-Request-ID"] == "3f2a9c0d4e5b6a7f"
    forged = web().get("/accounts/login/", HTTP_X_REQUEST_ID="amina benali <script>")
    assert forged.headers["X-Request-ID"] != "amina benali <script>"
    assert len(forged.headers["X-Request-ID"]) == 32


def test_an_exception_is_logged_with_its_type_and_traceback(json_lines):
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("casework.test").exception("it failed")
    [line] = [line for line in json_lines() if line["logger"] == "casework.test"]
    assert line["exception"] == "ValueError" and "Traceback" in line["traceback"]
    assert line["message"] == "it failed" and line["level"] == "ERROR"


def test_the_celery_worker_logs_json_lines_too(tmp_path):
    """Celery leaves logging to Django's settings: in production its lines are JSON as well."""
    from tests.integration.conftest import REDIS_URL

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "CELERY_"))
    }
    environment.update(
        LOG_FORMAT="json", CASEWORK_VAR_DIR=str(tmp_path), CELERY_BROKER_URL=REDIS_URL
    )
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo"]
    worker = subprocess.Popen(
        [*command, "--without-mingle", "--without-gossip", "-l", "INFO"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    try:
        for line in worker.stdout:
            lines.append(line)
            if "ready" in line or len(lines) > 200:
                break
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    records = [json.loads(line) for line in lines if line.startswith("{")]
    assert any(r["logger"].startswith("celery") and "ready" in r["message"] for r in records)
    assert not any(line.startswith("[20") for line in lines)  # Celery's own format
