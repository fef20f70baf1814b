"""Asks Casework's /healthz as the TLS proxy would, and exits 0 when healthy, 1 when not.

    python deploy/healthcheck.py          # everything: database, broker, beat, reminders
    python deploy/healthcheck.py --web    # the web process answers and reaches its database
    python deploy/healthcheck.py --host casework.example.org   # outside the service's environment

The container's HEALTHCHECK uses --web: a broker or beat outage is not the web container's
fault, and restarting it would not help (monitoring should use the full check). Only the
standard library is used, because the slim image has no curl.

In production the application redirects plain HTTP and refuses unknown host names, so the
request says what nginx says: the first name of ALLOWED_HOSTS, and X-Forwarded-Proto: https.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request


def default_url() -> str:
    """GUNICORN_BIND's first address; a wildcard address is asked on the loopback."""
    bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")[0].strip()
    if bind.startswith("unix:"):
        raise SystemExit("healthcheck: GUNICORN_BIND is a Unix socket; pass --url")
    host, _, port = bind.rpartition(":")
    if host in ("", "0.0.0.0", "[::]"):  # noqa: S104 (a listen address, not one we bind)
        host = "127.0.0.1"
    return f"http://{host}:{port}/healthz"


def host_header() -> str:
    """The first name the application accepts (".example.org" accepts "example.org")."""
    first = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    if first in ("", "*"):
        return "localhost"
    return first.lstrip(".")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect means the request was not taken as HTTPS: report it, do not follow it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[override]
        return None


def fetch(url: str, host: str, timeout: float) -> tuple[int, dict | None]:
    request = urllib.request.Request(  # noqa: S310 (the URL is http(s) by construction)
        url, headers={"Host": host, "X-Forwarded-Proto": "https"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=None, help="default: from GUNICORN_BIND")
    parser.add_argument("--host", default=None, help="default: the first of ALLOWED_HOSTS")
    parser.add_argument("--web", action="store_true", help="only the web process and database")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    url = args.url or default_url()
    if not url.startswith(("http://", "https://")):
        print(f"healthcheck: not an HTTP URL: {url}")
        return 1
    try:
        status, report = fetch(url, args.host or host_header(), args.timeout)
    except OSError as error:
        print(f"healthcheck: no answer from {url}: {error}")
        return 1
    if report is None:
        print(f"healthcheck: HTTP {status} without the health report from {url}")
        return 1
    if args.web:
        healthy = bool(report.get("database", {}).get("ok"))
    else:
        healthy = status == 200 and report.get("status") == "ok"
    failing = sorted(
        name for name, part in report.items() if isinstance(part, dict) and not part.get("ok")
    )
    print(f"healthcheck: HTTP {status}, {'healthy' if healthy else 'unhealthy'}", end="")
    print(f" (failing: {', '.join(failing)})" if failing else "")
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
