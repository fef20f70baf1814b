"""deploy/gunicorn.conf.py: settings from the environment, an access log that carries the path
and the request id but never the query string (a search may hold a client's name), and an
error log in JSON lines like the application's, so one grep finds every error."""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.waiting import eventually

from .support import DEPLOY, REPO, application_keys, clean_environment, running_gunicorn

CONFIG = DEPLOY / "gunicorn.conf.py"
GUNICORN = Path(sys.executable).with_name("gunicorn")


def load_config(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "GUNICORN_FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_it_binds_to_the_loopback_by_default(monkeypatch):
    config = load_config(monkeypatch)
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["forwarded_allow_ips"] == "127.0.0.1"


def test_it_takes_its_address_workers_and_trusted_proxy_from_the_environment(monkeypatch):
    config = load_config(
        monkeypatch,
        GUNICORN_BIND="127.0.0.1:8021",
        GUNICORN_WORKERS="3",
        GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.2",
    )
    assert config["bind"] == ["127.0.0.1:8021"]
    assert config["workers"] == 3
    assert config["forwarded_allow_ips"] == "10.0.0.2"


def test_it_caps_the_default_number_of_workers(monkeypatch):
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: set(range(64)))
    assert load_config(monkeypatch)["workers"] == 8
    monkeypatch.setattr("os.sched_getaffinity", lambda _pid: {0})
    assert load_config(monkeypatch)["workers"] == 3


def test_it_limits_requests_recycles_workers_and_has_no_control_socket(monkeypatch):
    config = load_config(monkeypatch)
    assert config["timeout"] > config["graceful_timeout"] > 0
    assert config["max_requests"] > 0 < config["max_requests_jitter"]
    assert config["limit_request_line"] <= 8190
    assert config["limit_request_fields"] <= 100
    assert config["limit_request_field_size"] <= 8190
    assert config["control_socket_disable"] is True


def test_the_access_log_format_leaves_out_query_strings_and_referrers(monkeypatch):
    log_format = load_config(monkeypatch)["access_log_format"]
    assert "%(U)s" in log_format  # the path alone
    for atom in ("%(r)s", "%(q)s", "%(f)s", "%(a)s", "{raw_uri}"):
        assert atom not in log_format
    assert "%({x-request-id}o)s" in log_format
    assert "%(s)s" in log_format and "%(M)s" in log_format


def test_gunicorn_accepts_the_configuration():
    result = subprocess.run(
        [str(GUNICORN), "--check-config", "--config", str(CONFIG), "config.wsgi"],
        cwd=REPO,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs) -> None:
        return None


def get(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Status and headers of one request, redirects not followed."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (a loopback URL)
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.fixture
def gunicorn(tmp_path):
    """Gunicorn with this configuration, serving the demo settings."""
    with running_gunicorn(tmp_path) as server:  # yielded once the worker has booted
        yield f"http://127.0.0.1:{server.port}", server.log, server.home


def access_lines(log_path: Path) -> list[dict]:
    lines = [line for line in log_path.read_text().splitlines() if '"gunicorn.access"' in line]
    return [json.loads(line) for line in lines]


def test_each_request_is_one_json_line_with_its_path_status_and_request_id(gunicorn):
    base, log_path, _home = gunicorn
    status, headers = get(
        f"{base}/partners/?name=Madeleine+Vandersteen", {"X-Request-ID": "proxy-id-0123456789"}
    )
    assert status == 302  # to the sign-in page
    # The access log is written after the response.
    entry = eventually(
        lambda: next((e for e in access_lines(log_path) if e["path"] == "/partners/"), None),
        retry_on=(ValueError,),  # a line read while it is written
    )
    assert entry is not None, log_path.read_text()
    assert entry["status"] == status
    assert entry["method"] == "GET"
    assert entry["request_id"] == headers["X-Request-ID"] == "proxy-id-0123456789"
    assert isinstance(entry["duration_ms"], int)
    assert "Vandersteen" not in log_path.read_text()


def test_an_odd_path_cannot_break_the_json_line(gunicorn):
    base, log_path, _home = gunicorn
    get(f"{base}/odd%22path%5C/?q=Vandersteen", {})
    # The access log is written after the response.
    assert eventually(
        lambda: '/odd"path\\/' in [e["path"] for e in access_lines(log_path)],
        retry_on=(ValueError,),  # a line read while it is written
    )
    assert "Vandersteen" not in log_path.read_text()


def test_no_control_socket_is_created(gunicorn):
    _base, _log_path, home = gunicorn
    assert not (home / ".gunicorn").exists()


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process has gone
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_gunicorn_own_log_is_json_lines_and_a_worker_timeout_is_critical(tmp_path):
    """A stuck worker (stopped here) is killed after GUNICORN_TIMEOUT with a CRITICAL line:
    in JSON, as every other line on stderr, the application's included.

    The application is loaded before the worker is forked (``--preload``): the timeout counts
    a worker's boot too, and on a busy machine loading Django can take longer than the few
    seconds this test gives, so the worker would be killed for its slow start, not for being
    stuck. The first request (the readiness probe) then takes well under a second even with a
    load of 8 on two cores, against a timeout of 5 s."""
    production_like = {"DEBUG": "false", **application_keys()}
    with running_gunicorn(
        tmp_path,
        GUNICORN_TIMEOUT="5",
        GUNICORN_CMD_ARGS="--preload",
        LOG_FORMAT="json",
        **production_like,
    ) as server:
        # The readiness probe asked for /healthz: 503, and the application logged an error.
        (worker,) = children(server.process.pid)
        os.kill(worker, signal.SIGSTOP)
        try:
            assert eventually(lambda: "WORKER TIMEOUT" in server.errors.read_text())
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.kill(worker, signal.SIGCONT)
    lines = server.errors.read_text().splitlines()
    entries = [json.loads(line) for line in lines]  # every line, or a JSONDecodeError
    assert all({"time", "level", "logger", "message"} <= set(entry) for entry in entries)
    own = [entry for entry in entries if entry["logger"] == "gunicorn.error"]
    assert any(entry["message"].startswith("Booting worker") for entry in own)
    assert any(entry["message"] == "Shutting down: Master" for entry in own)
    (timeout,) = [entry for entry in own if "WORKER TIMEOUT" in entry["message"]]
    assert timeout["level"] == "CRITICAL"
    assert any(e["logger"] == "django.request" and e["level"] == "ERROR" for e in entries)
    # The access log stays on stdout, as it was.
    access = [json.loads(line) for line in server.log.read_text().splitlines()]
    assert [entry["path"] for entry in access] == ["/healthz"]
