"""Gunicorn for Casework: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every setting can be changed through the environment (GUNICORN_*), so the systemd unit and the
container use this one file. Both logs are one JSON object per line, like the application's own
log: the error log (stderr: workers started, stopped, timed out) and the access log (stdout),
which carries the path WITHOUT its query string: a search query may hold a client's name, and
a log must never hold personal data. For the same reason it leaves out the referrer (the
previous page's query string) and the user agent.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger, SafeAtoms


def _cores() -> int:
    """The CPUs this process may use (a container's or a systemd slice's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# More workers than this only cost memory (~150 MB each) on a centre's server.
MAX_DEFAULT_WORKERS = 8

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * _cores() + 1, MAX_DEFAULT_WORKERS)))
worker_class = "sync"
# A month's first report release runs the disclosure audit in the request: allow a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

# Only the TLS proxy may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}

# A worker is replaced after this many requests, at staggered moments, so slow leaks stay small.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))

# URLs carry ids only, so request lines stay short; headers allow for the session cookies.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# The worker heartbeat file lives in memory when it can (a disk may block os.fchmod).
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or (
    _SHM if os.access(_SHM, os.W_OK) else None
)

# No runtime control socket (gunicorn >= 25.1): nothing should resize or stop the server
# behind the service manager's back. Older versions ignore the name.
control_socket_disable = True

# Logs go to stdout/stderr: journald (systemd) or the container runtime keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
proc_name = "casework-web"

# %(U)s is the path without the query string; never %(r)s (the request line) or %(q)s.
# The request id is the response's header: the application keeps nginx's id or makes one.
access_log_format = (
    '{"time": "%(t)s", "level": "INFO", "logger": "gunicorn.access", '
    '"method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": "%(b)s", '
    '"duration_ms": %(M)s, "request_id": "%({x-request-id}o)s"}'
)


class JsonSafeAtoms(SafeAtoms):
    """Escapes every text value for a JSON string, so an odd path cannot break the line."""

    def __init__(self, atoms: dict) -> None:
        dict.__init__(self)
        for key, value in atoms.items():
            self[key] = json.dumps(value)[1:-1] if isinstance(value, str) else value


class JsonAccessLogger(Logger):
    """Gunicorn's logger with JSON-safe access-log values, and times in UTC as the
    application's own log lines have them (casework/logs.py)."""

    atoms_wrapper_class = JsonSafeAtoms

    def now(self) -> str:
        return datetime.now(UTC).isoformat(timespec="milliseconds")


logger_class = JsonAccessLogger


class JsonErrorFormatter(logging.Formatter):
    """Gunicorn's own messages ("Booting worker", "WORKER TIMEOUT") as the application's log
    lines are (casework/logs.py, not imported: the master loads no Django): one JSON object per
    line, so `grep '"level": "CRITICAL"'` finds them and a traceback stays on its line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# Replaces gunicorn's plain-text error log ("[2026-11-30 13:00:42 +0100] [4283] [INFO] ...").
# The access lines are JSON already: their handler writes the message alone. No propagation,
# so nothing is written twice once Django configures the root logger in a worker.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": JsonErrorFormatter},
        "message": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "message",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": loglevel.upper(), "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
    },
}
