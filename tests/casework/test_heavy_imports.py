"""A web worker does not carry what only the nightly release or a spreadsheet import needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

HEAVY = ("numpy", "scipy", "openpyxl")

# In a fresh interpreter: the WSGI application, then every view the URLconf names, as the
# first request of each page type would import it.
LOAD_EVERY_VIEW = """
import json, sys
from config.wsgi import application
from django.urls import get_resolver

def views(resolver):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from views(pattern)
        else:
            yield pattern.callback

count = sum(1 for _ in views(get_resolver()))
print(json.dumps({"views": count, "loaded": [m for m in %r if m in sys.modules]}))
"""


def test_a_web_worker_with_every_view_loaded_has_not_imported_numpy_scipy_or_openpyxl():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    result = subprocess.run(
        [sys.executable, "-c", LOAD_EVERY_VIEW % (HEAVY,)],
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["views"] > 50
    assert found["loaded"] == []
