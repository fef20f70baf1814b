"""The deploy/ directory as a whole: its shell scripts pass shellcheck and stop at the first
error, the guide mentions every file, and nothing names a package registry's host."""

from __future__ import annotations

import re
import subprocess

import pytest

from .support import DEPLOY, REPO, require_tool

SCRIPTS = sorted(DEPLOY.rglob("*.sh"))
# Hosts that must not appear in the repository (the registries are reached by their clients).
REGISTRY_HOSTS = re.compile(
    r"pypi\.org|pythonhosted\.org|registry\.npmjs\.org|npmjs\.com|deb\.debian\.org"
    r"|security\.debian\.org|registry-1\.docker\.io"
)


def test_there_are_scripts_to_check():
    names = {script.name for script in SCRIPTS}
    assert {"backup.sh", "restore.sh", "manage.sh", "render-for-compose.sh"} <= names


def test_the_shell_scripts_pass_shellcheck():
    shellcheck = require_tool("shellcheck", "shellcheck")
    result = subprocess.run(
        [shellcheck, "--severity=style", *map(str, SCRIPTS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_each_script_stops_at_the_first_error(script):
    text = script.read_text()
    if text.startswith("#!/usr/bin/env bash"):
        assert "\nset -euo pipefail\n" in text
    else:
        assert text.startswith("#!/bin/sh") and "\nset -eu\n" in text


def test_the_guide_mentions_every_file_of_the_deploy_directory():
    guide = (DEPLOY / "README.md").read_text()
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.name != "README.md" and "__pycache__" not in path.parts:
            relative = path.relative_to(DEPLOY).as_posix()
            assert relative in guide, f"deploy/README.md does not mention {relative}"


def test_no_file_names_a_package_registry_host():
    for folder in (DEPLOY, REPO / "tests" / "deploy"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in (".pyc",):
                text = path.read_text(errors="replace")
                assert not REGISTRY_HOSTS.search(text), f"{path} names a registry host"
