"""The production profile refuses a set-up that is not one, and passes ``check --deploy``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION = {
    "CASEWORK_PROFILE": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "casework.centre.test",
    "CASEWORK_BASE_URL": "https://casework.centre.test",
    "DATABASE_URL": "postgres://casework@127.0.0.1:5432/casework",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp://127.0.0.1:1025",
    "FIELD_ENCRYPTION_KEYS": "bqfhzX0z0Ibv0Vn3lYmHn6hUjCfGVl0gBGfH7g6lBys=",
    "FIELD_HASH_KEY": secrets.token_urlsafe(40),
}
# Ours, and the browser tests' (Playwright's loop, which a deployment never has).
SET_BY_US = {
    *PRODUCTION,
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*arguments: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SET_BY_US}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        env={**environment, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_a_production_set_up_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_production_settings_are_hardened():
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER[0], s.PASSWORD_HASHERS[0].split('.')[-1], "
        "s.LOGGING['handlers']['console']['formatter'])"
    )
    result = manage("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "False",
        "True",
        "31536000",
        "True",
        "True",
        "HTTP_X_FORWARDED_PROTO",
        "Argon2PasswordHasher",
        "json",
    ]


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "sqlite:////tmp/casework.sqlite3"}, "PostgreSQL"),
        ({"CELERY_BROKER_URL": "filesystem://"}, "Redis"),
        ({"EMAIL_URL": "consolemail://"}, "SMTP"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"CASEWORK_BASE_URL": None}, "CASEWORK_BASE_URL"),
        ({"CASEWORK_BASE_URL": "http://casework.centre.test"}, "https://"),
        ({"ALLOWED_HOSTS": "casework.example.org"}, "ALLOWED_HOSTS still holds an example"),
        ({"EMAIL_URL": "smtp://u:CHANGE-ME@mail.centre.test:587"}, "EMAIL_URL still holds"),
    ],
)
def test_a_production_start_that_is_not_set_up_is_refused(change, complaint):
    env = {**PRODUCTION, **change}
    env = {key: value for key, value in env.items() if value is not None}
    result = manage("check", **env)
    assert result.returncode != 0
    assert complaint in result.stderr
    assert "Traceback" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_an_unknown_profile_is_refused():
    result = manage("check", CASEWORK_PROFILE="staging")
    assert result.returncode != 0
    assert "CASEWORK_PROFILE" in result.stderr


def test_passwords_are_twelve_characters_at_least():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Short-pass1")
    validate_password("a much longer passphrase")


def test_production_installs_no_demo_or_load_test_and_refuses_to():
    script = "from django.conf import settings as s; print(' '.join(s.INSTALLED_APPS))"
    result = manage("shell", "-c", script, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    installed = result.stdout.strip().splitlines()[-1].split()
    assert {"casework", "clients", "reports", "privacy"} <= set(installed)
    assert "demo" not in installed and "loadtest" not in installed
    assert manage("demo_data", **PRODUCTION).returncode != 0  # no such command there

    refused = manage("check", **PRODUCTION, CASEWORK_DEMO="true")
    assert refused.returncode != 0
    assert "never installed in production" in refused.stderr


def test_the_demo_profile_installs_the_demo_app():
    assert "demo" in settings.INSTALLED_APPS
