"""deploy/nginx/: the site passes the real `nginx -t`, natively and as rendered for the container,
and a running nginx redirects to HTTPS, refuses other host names, sets the security headers
once, tells the application what it needs, serves static files for an hour and logs paths
without their query strings. Also deploy/logrotate/casework, with `logrotate -d`."""

from __future__ import annotations

import getpass
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from referrals.importing.tables import MAX_BYTES

from .support import DEPLOY, clean_environment, free_port, require_tool

SITE = DEPLOY / "nginx" / "casework.conf"
NAME = "casework.example.org"


def certificate(directory: Path) -> Path:
    """A throwaway self-signed certificate for NAME, as fullchain.pem and privkey.pem."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [require_tool("openssl", "openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "1", "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
         "-keyout", str(directory / "privkey.pem"), "-out", str(directory / "fullchain.pem")],
        capture_output=True,
        check=True,
        timeout=60,
    )  # fmt: skip
    return directory


def localise(conf: str, tmp: Path, *, http: int = 80, https: int = 443, upstream: int = 8000):
    """The site with its paths in tmp and its ports on the loopback."""
    conf = conf.replace("/etc/ssl/casework/", f"{tmp}/ssl/")
    conf = conf.replace("/var/log/nginx/casework/", f"{tmp}/log/")
    conf = conf.replace("root /var/lib/casework;", f"root {tmp}/var;")
    conf = conf.replace("/var/www/letsencrypt", f"{tmp}/acme")
    conf = conf.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};")
    conf = re.sub(r"\n\s*listen \[::\]:\d+[^;]*;", "", conf)
    conf = re.sub(r"listen 80\b", f"listen 127.0.0.1:{http}", conf)
    return re.sub(r"listen 443\b", f"listen 127.0.0.1:{https}", conf)


def main_conf(tmp: Path, site: str) -> Path:
    """A minimal nginx.conf around the site, with every path nginx writes in tmp."""
    (tmp / "log").mkdir(exist_ok=True)
    (tmp / "site.conf").write_text(site)
    # As root, nginx's workers would drop to "nobody", who cannot read the test's files.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    temp_paths = "\n".join(
        f"  {kind}_temp_path {tmp}/temp_{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        f"{user}\npid {tmp}/nginx.pid;\nerror_log {tmp}/log/main-error.log;\n"
        f"events {{}}\nhttp {{\n  access_log off;\n{temp_paths}\n"
        f"  include /etc/nginx/mime.types;\n  include {tmp}/site.conf;\n}}\n"
    )
    return conf


def nginx_test(conf: Path) -> subprocess.CompletedProcess:
    nginx = require_tool("nginx", "nginx-light")
    return subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(conf.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def render_for_compose(tmp: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require_tool("sh", "dash"), str(DEPLOY / "nginx" / "render-for-compose.sh")],
        env=clean_environment(
            CASEWORK_NGINX_SOURCE=str(SITE), CASEWORK_NGINX_OUTPUT=str(tmp / "rendered.conf"), **env
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_native_site_passes_nginx_t(tmp_path):
    certificate(tmp_path / "ssl")
    result = nginx_test(main_conf(tmp_path, localise(SITE.read_text(), tmp_path)))
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_the_site_rendered_for_the_container_passes_nginx_t(tmp_path):
    rendered = render_for_compose(
        tmp_path, CASEWORK_SERVER_NAME="casework.centre.example", CASEWORK_UPSTREAM="127.0.0.1:8000"
    )
    assert rendered.returncode == 0, rendered.stderr
    site = (tmp_path / "rendered.conf").read_text()
    assert "server_name casework.centre.example;" in site
    assert NAME not in site
    assert "access_log /dev/stdout casework_json;" in site
    certificate(tmp_path / "ssl")
    result = nginx_test(main_conf(tmp_path, localise(site, tmp_path)))
    assert result.returncode == 0, result.stderr


def test_the_container_site_reaches_the_web_service_and_uses_new_http2_syntax(tmp_path):
    rendered = render_for_compose(tmp_path, CASEWORK_SERVER_NAME=NAME, NGINX_VERSION="1.28.0")
    assert rendered.returncode == 0, rendered.stderr
    site = (tmp_path / "rendered.conf").read_text()
    assert "server web:8000;" in site
    assert "http2 on;" in site and " ssl http2" not in site
    assert "listen 127.0.0.1:8081;" in site  # the health check's listener


@pytest.mark.parametrize("name", ["", "casework.example.org; evil", ".example.org", "a b"])
def test_rendering_refuses_what_is_not_a_host_name(tmp_path, name):
    result = render_for_compose(tmp_path, CASEWORK_SERVER_NAME=name)
    assert result.returncode != 0
    assert not (tmp_path / "rendered.conf").exists()


def test_uploads_as_large_as_a_partner_import_pass():
    size = re.search(r"client_max_body_size (\d+)m;", SITE.read_text())
    assert size and int(size.group(1)) * 1024 * 1024 > MAX_BYTES * 1.1  # and multipart overhead


def test_the_access_log_format_has_no_query_string_and_no_referrer():
    log_format = SITE.read_text().split("log_format casework_json", 1)[1].split(";", 1)[0]
    assert "$uri" in log_format and "$request_id" in log_format
    for variable in ("$request ", "$request\"", "$request_uri", "$args", "$query_string",
                     "$http_referer", "$is_args"):  # fmt: skip
        assert variable not in log_format


class Upstream(BaseHTTPRequestHandler):
    """The application's stand-in: records what it was asked, answers with chosen headers."""

    seen: list[dict[str, str]] = []
    headers_to_send: dict[str, str] = {}

    def do_GET(self) -> None:
        Upstream.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        self.send_response(200)
        for name, value in Upstream.headers_to_send.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args) -> None:
        pass


@dataclass
class Site:
    http: int
    https: int
    tmp: Path

    def get(self, path: str, *, host: str = NAME, tls: bool = True, sni: str = NAME):
        if tls:
            context = ssl.create_default_context(cafile=str(self.tmp / "ssl" / "fullchain.pem"))
            raw = socket.create_connection(("127.0.0.1", self.https), timeout=10)
            connection = http.client.HTTPConnection("127.0.0.1", self.https, timeout=10)
            connection.sock = context.wrap_socket(raw, server_hostname=sni)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http, timeout=10)
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def log(self) -> list[dict]:
        time.sleep(0.2)
        text = (self.tmp / "log" / "access.log").read_text()
        return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("nginx")
    certificate(tmp / "ssl")
    static = tmp / "var" / "static" / "casework"
    static.mkdir(parents=True)
    (static / "casework.css").write_text("body {}")
    (static / "casework.0123456789ab.css").write_text("body {}")
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    running = Site(http=free_port(), https=free_port(), tmp=tmp)
    site_conf = localise(
        SITE.read_text(),
        tmp,
        http=running.http,
        https=running.https,
        upstream=upstream.server_address[1],
    )
    conf = main_conf(tmp, site_conf)
    nginx = subprocess.Popen(
        [require_tool("nginx", "nginx-light"), "-c", str(conf), "-p", str(tmp), "-g",
         "daemon off;"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        for _ in range(50):
            if nginx.poll() is not None:
                pytest.fail("nginx exited: " + nginx.stderr.read())
            try:
                socket.create_connection(("127.0.0.1", running.https), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield running
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        upstream.shutdown()
        upstream.server_close()


def test_http_redirects_to_https_on_the_site_name(site):
    response = site.get("/caseload/?status=open", tls=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{NAME}/caseload/?status=open"


def test_another_host_name_gets_no_answer(site):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        site.get("/", host="other.example.org", tls=False)
    with pytest.raises(ssl.SSLError):
        site.get("/", host="other.example.org", sni="other.example.org")


def test_the_application_learns_the_client_https_and_the_request_id(site):
    Upstream.headers_to_send = {}
    response = site.get("/partners/?name=Vandersteen")
    assert response.status == 200
    asked = Upstream.seen[-1]
    assert asked["path"] == "/partners/?name=Vandersteen"
    assert asked["host"] == NAME
    assert asked["x-forwarded-proto"] == "https"
    assert asked["x-forwarded-for"] == "127.0.0.1"
    assert re.fullmatch(r"[0-9a-f]{32}", asked["x-request-id"])

    entry = next(e for e in site.log() if e["request_id"] == asked["x-request-id"])
    assert entry["path"] == "/partners/"
    assert entry["status"] == 200
    assert "Vandersteen" not in (site.tmp / "log" / "access.log").read_text()


def test_security_headers_are_set_once_and_the_application_keeps_its_own(site):
    Upstream.headers_to_send = {}
    response = site.get("/caseload/")
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Server") == "nginx"  # no version

    Upstream.headers_to_send = {"Strict-Transport-Security": "max-age=60; preload"}
    response = site.get("/caseload/")
    assert response.headers.get_all("Strict-Transport-Security") == ["max-age=60; preload"]
    Upstream.headers_to_send = {}


def test_static_files_are_served_for_an_hour_whatever_their_name(site):
    plain = site.get("/static/casework/casework.css")
    assert plain.status == 200
    assert plain.getheader("Cache-Control") == "max-age=3600"
    assert plain.getheader("X-Content-Type-Options") == "nosniff"
    # No name carries a content hash (CompressedStaticFilesStorage): one that merely looks
    # hashed must not be kept for years past the upgrade that changes it.
    looks_hashed = site.get("/static/casework/casework.0123456789ab.css")
    assert looks_hashed.getheader("Cache-Control") == "max-age=3600"
    # A file nginx does not have is asked of the application (whitenoise, in the container).
    site.get("/static/casework/drafts.js")
    assert Upstream.seen[-1]["path"] == "/static/casework/drafts.js"


def test_sign_in_pages_are_rate_limited(site):
    statuses = [site.get("/accounts/login/").status for _ in range(30)]
    assert 429 in statuses
    assert statuses[0] == 200


def test_logrotate_accepts_the_nginx_log_rotation(tmp_path):
    logrotate = require_tool("logrotate", "logrotate")
    logs = tmp_path / "log"
    logs.mkdir()
    (logs / "access.log").write_text("{}\n")
    conf = tmp_path / "casework"
    rules = (DEPLOY / "logrotate" / "casework").read_text()
    assert "/var/log/nginx/casework/*.log {" in rules
    conf.write_text(rules.replace("/var/log/nginx/casework/", f"{logs}/"))
    result = subprocess.run(
        [logrotate, "--debug", "--state", str(tmp_path / "state"), str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    assert f"considering log {logs}/access.log" in result.stderr
