"""Every string in the code and templates is in the Dutch and French catalogues, translated.

The catalogues are re-extracted in a copy of the project (GNU gettext's xgettext is needed: CI
installs it), so a string added without its translations fails here, not in front of a user.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.casework.test_home_and_language import _untranslated
from tests.conftest import require_service

IGNORED = shutil.ignore_patterns(".venv", "var", ".git", "__pycache__", "*.pyc", "test-results")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_no_string_of_the_code_is_missing_from_the_catalogue(tmp_path: Path, language: str):
    require_service(shutil.which("xgettext") is not None, "GNU gettext (xgettext)")
    copy = tmp_path / "project"
    shutil.copytree(settings.BASE_DIR, copy, ignore=IGNORED)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            language,
            "--ignore",
            "tests/*",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "CASEWORK_VAR_DIR": str(tmp_path / "var")},
    )
    missing = _untranslated(copy / "locale" / language / "LC_MESSAGES" / "django.po")
    assert missing == [], f"untranslated in {language}: {missing[:10]}"
