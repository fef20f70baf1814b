"""Helpers for the tests of deploy/: the repository's paths, the Debian tools they run, free
ports, and an environment without the test run's own settings.

These tests never skip: a missing tool fails with the Debian package that brings it, so a CI
machine without it cannot pass by leaving the deployment untested.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from cryptography.fernet import Fernet

from tests.waiting import PATIENCE, eventually

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"

# Settings the test run or CI may have set, which a subprocess must not inherit.
INHERITED_SETTINGS = (
    "CASEWORK_PROFILE",
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "CASEWORK_BASE_URL",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "CASEWORK_VAR_DIR",
    "LOG_FORMAT",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE",
)


def local_apps() -> set[str]:
    """The project's own Django applications that production installs (INSTALLED_APPS with a
    folder here, the demo apps left out)."""
    from django.conf import settings

    installed = set(settings.INSTALLED_APPS) - set(settings.DEMO_APPS)
    return {app for app in installed if (REPO / app).is_dir()}


def require_tool(command: str, package: str) -> str:
    """The tool's path; fails (never skips) when it is missing."""
    path = shutil.which(command)
    if path is None:
        pytest.fail(f"`{command}` is missing: apt-get install {package}")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(**extra: str) -> dict[str, str]:
    """The process's environment without Casework's settings and libpq's PG* variables."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in INHERITED_SETTINGS and not name.startswith(("PG", "BACKUP_", "GUNICORN_"))
    }
    return {**environment, **extra}


def application_keys() -> dict[str, str]:
    """The keys an administrator makes for a production installation, fresh: SECRET_KEY, a
    Fernet key in FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "FIELD_HASH_KEY": secrets.token_urlsafe(50),
    }


def read_env_example(path: Path) -> tuple[dict[str, str], set[str]]:
    """The NAME=value lines of an example environment file, and the names of the commented-out
    ones (`# NAME=value`: documented defaults)."""
    active: dict[str, str] = {}
    commented: set[str] = set()
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            candidate = stripped.lstrip("#").strip()
            name, sep, _ = candidate.partition("=")
            if sep and name.isidentifier() and name.isupper():
                commented.add(name)
            continue
        name, sep, value = stripped.partition("=")
        assert sep, f"{path.name}: not NAME=value: {line!r}"
        active[name.strip()] = value.strip()
    return active, commented


class Gunicorn(NamedTuple):
    port: int
    log: Path  # stdout: the access log
    errors: Path  # stderr: gunicorn's own log and the application's
    home: Path  # where a control socket would appear
    process: subprocess.Popen


def _answers_http(port: int, process: subprocess.Popen) -> bool:
    """Whether a worker has booted and answers a request (any status: the production profile
    answers a request for 127.0.0.1 with a redirect or 400, which is an answer too)."""
    if process.poll() is not None:
        return True  # exited: nothing to wait for; the caller reports it
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=PATIENCE)
    try:
        connection.request("GET", "/healthz")
        connection.getresponse().read()
    finally:
        connection.close()
    return True


@contextlib.contextmanager
def running_gunicorn(tmp_path: Path, **env: str) -> Iterator[Gunicorn]:
    """Gunicorn with deploy/gunicorn.conf.py and one worker on a free port, stopped (and its
    logs complete) at the end of the `with` block. It is yielded once its worker has booted
    and answered one request for /healthz (the readiness probe), however long that takes."""
    port = free_port()
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    log_path, errors_path = tmp_path / "gunicorn.log", tmp_path / "gunicorn.err"
    environment = clean_environment(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        CASEWORK_VAR_DIR=str(tmp_path / "var"),
        HOME=str(home),
        **env,
    )
    environment.pop("XDG_RUNTIME_DIR", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_path.open("w") as log, errors_path.open("w") as errors:
        process = subprocess.Popen(
            [str(gunicorn), "--config", str(DEPLOY / "gunicorn.conf.py"), "config.wsgi"],
            cwd=REPO,
            env=environment,
            stdout=log,
            stderr=errors,
        )

    def output() -> str:
        return log_path.read_text() + errors_path.read_text()

    try:
        if not eventually(lambda: _answers_http(port, process), retry_on=(OSError,)):
            process.terminate()
            pytest.fail(f"gunicorn did not answer within {PATIENCE:.0f} s:\n" + output())
        if process.poll() is not None:
            pytest.fail("gunicorn exited:\n" + output())
        yield Gunicorn(port, log_path, errors_path, home, process)
    finally:
        process.terminate()
        process.wait(timeout=60)
