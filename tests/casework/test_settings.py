"""Settings come from the environment; a production start without a real secret is refused."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings


def _start(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_off_without_a_secret_key_refuses_to_start():
    result = _start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_off_with_a_real_secret_key_starts():
    result = _start(DEBUG="false", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr


def test_guardian_has_no_anonymous_user():
    assert settings.ANONYMOUS_USER_NAME is None
    assert settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS is True
