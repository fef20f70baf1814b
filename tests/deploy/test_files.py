"""The deploy/ directory as a whole: its shell scripts pass shellcheck and stop at the first
error, the guide mentions every file and gives commands that work from any directory, and
nothing names a package registry's host."""

from __future__ import annotations

import re
import subprocess

import pytest

from .support import DEPLOY, REPO, local_apps, require_tool

SCRIPTS = sorted(DEPLOY.rglob("*.sh"))
GUIDE = (DEPLOY / "README.md").read_text()
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


def guide_commands() -> list[tuple[str, list[str]]]:
    """Each command of the guide (a line of a ```sh block, or an inline `sudo ...`), with the
    lines of its block before it."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", GUIDE, flags=re.DOTALL):
        lines = block.splitlines()
        commands += [(line, lines[:number]) for number, line in enumerate(lines)]
    commands += [(span, []) for span in re.findall(r"`(sudo [^`]+)`", GUIDE)]
    return commands


def test_the_guide_runs_postgres_commands_from_the_root_directory():
    # From a home directory postgres cannot enter, each command complains about it.
    for command, before in guide_commands():
        if "sudo -u postgres" in command:
            earlier = [line for line in [*before, command] if line.startswith("cd / &&")]
            assert earlier or before[:1] == ["cd /"], command


def test_the_guide_names_the_scripts_by_absolute_paths():
    for command, _before in guide_commands():
        if "sudo" in command and "git -C /opt/casework" not in command:  # -C: paths from there
            assert not re.search(r"(^|\s)(\./)?deploy/", command), command


def test_the_guide_pins_every_package_it_installs_with_pip():
    installs = [c for c, _ in guide_commands() if "pip install" in c]
    assert installs
    for command in installs:
        assert re.search(r"pip install \S+==\d+(\.\d+)+$", command), command


def test_the_guide_compiles_every_application_package():
    compiles = [c for c, _ in guide_commands() if "compileall" in c]
    assert compiles
    for command in compiles:
        wanted = local_apps() | {"config"}
        assert wanted <= set(command.split()), wanted - set(command.split())


def test_the_guide_finds_the_newest_backup_among_those_backup_sh_names(tmp_path):
    names = [
        "casework-2026-11-30T120010.795Z.dump",
        "casework-2026-12-01T013012.004Z.dump.gpg",
        "casework-2026-12-02T013005.120Z.dump.partial",  # a backup being written
        "postgres-2026-12-03T013005.120Z.dump",  # another database's
    ]
    for name in names:
        (tmp_path / name).touch()
    (finder,) = [c for c, _ in guide_commands() if c.startswith("cd / && latest=")]
    script = finder.replace("sudo ls -1 /var/backups/casework", f"ls -1 {tmp_path}")
    result = subprocess.run(
        [require_tool("bash", "bash"), "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout.strip() == "casework-2026-12-01T013012.004Z.dump.gpg"


def test_every_file_stays_under_400_lines():
    for folder in (DEPLOY, REPO / "tests" / "deploy"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in (".pyc", ".json", ".LICENSE"):
                lines = len(path.read_text().splitlines())
                assert lines < 400, f"{path} has {lines} lines: split it"
