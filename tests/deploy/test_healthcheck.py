"""deploy/healthcheck.py, the containers' health check: asks /healthz as nginx would and judges
the answer, against a stand-in server that records what it was asked."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy import healthcheck

from .support import application_keys, free_port, running_gunicorn

HEALTHY = {"status": "ok", "database": {"ok": True}, "broker": {"ok": True}, "beat": {"ok": True}}
BEAT_STALE = {**HEALTHY, "status": "unhealthy", "beat": {"ok": False, "error": "no tick yet"}}
DATABASE_DOWN = {**BEAT_STALE, "database": {"ok": False, "error": "OperationalError"}}


class StandIn(BaseHTTPRequestHandler):
    answer: tuple[int, bytes, dict[str, str]] = (200, json.dumps(HEALTHY).encode(), {})
    asked: list[dict[str, str]] = []

    def do_GET(self) -> None:
        StandIn.asked.append({"path": self.path, **dict(self.headers)})
        status, body, headers = StandIn.answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def stand_in() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    StandIn.asked = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/healthz"
    server.shutdown()
    server.server_close()


def answer(status: int, body: dict | str, **headers: str) -> None:
    text = body if isinstance(body, str) else json.dumps(body)
    StandIn.answer = (status, text.encode(), headers)


def test_it_asks_as_the_tls_proxy_with_the_first_allowed_host(stand_in, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", ".centre.example.org,casework.example.org")
    answer(200, HEALTHY)
    assert healthcheck.main(["--url", stand_in]) == 0
    asked = StandIn.asked[-1]
    assert asked["path"] == "/healthz"
    assert asked["Host"] == "centre.example.org"
    assert asked["X-Forwarded-Proto"] == "https"


def test_a_stale_beat_fails_the_full_check_but_not_the_web_check(stand_in):
    answer(503, BEAT_STALE)
    assert healthcheck.main(["--url", stand_in]) == 1
    assert healthcheck.main(["--url", stand_in, "--web"]) == 0


def test_a_database_outage_fails_the_web_check(stand_in, capsys):
    answer(503, DATABASE_DOWN)
    assert healthcheck.main(["--url", stand_in, "--web"]) == 1
    assert "failing: beat, database" in capsys.readouterr().out


def test_a_redirect_is_reported_not_followed(stand_in):
    answer(301, "", Location="https://casework.example.org/healthz")
    assert healthcheck.main(["--url", stand_in]) == 1
    assert len(StandIn.asked) == 1


def test_an_answer_without_the_report_is_unhealthy(stand_in):
    answer(200, "<html>not the application</html>")
    assert healthcheck.main(["--url", stand_in, "--web"]) == 1


def test_no_answer_is_unhealthy(capsys):
    assert healthcheck.main(["--url", f"http://127.0.0.1:{free_port()}/healthz"]) == 1
    assert "no answer" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("0.0.0.0:8000", "http://127.0.0.1:8000/healthz"),
        ("127.0.0.1:8021", "http://127.0.0.1:8021/healthz"),
        ("[::]:8000,127.0.0.1:9000", "http://127.0.0.1:8000/healthz"),
    ],
)
def test_the_address_comes_from_gunicorn_bind(monkeypatch, bind, url):
    monkeypatch.setenv("GUNICORN_BIND", bind)
    assert healthcheck.default_url() == url


def test_it_passes_a_production_web_process_that_redirects_plain_http(tmp_path, monkeypatch):
    """Against gunicorn with the production settings (HTTPS redirect, allowed hosts only)."""
    production = {
        "CASEWORK_PROFILE": "production",
        **application_keys(),
        "ALLOWED_HOSTS": "casework.centre.test",
        "CASEWORK_BASE_URL": "https://casework.centre.test",
        # /healthz's database check is SELECT 1: the maintenance database will do.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
    }
    with running_gunicorn(tmp_path, **production) as server:
        url = f"http://127.0.0.1:{server.port}/healthz"
        naive = urllib.request.Request(url, headers={"Host": "casework.centre.test"})
        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(healthcheck._NoRedirect).open(naive, timeout=10)
        assert redirected.value.code == 301

        for name, value in production.items():
            monkeypatch.setenv(name, value)
        assert healthcheck.main(["--url", url, "--web"]) == 0
        assert healthcheck.main(["--url", url]) == 1  # no beat has ticked


def test_the_host_can_be_named_on_the_command_line(stand_in, monkeypatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    answer(200, HEALTHY)
    assert healthcheck.main(["--url", stand_in, "--host", "casework.centre.example"]) == 0
    assert StandIn.asked[-1]["Host"] == "casework.centre.example"
