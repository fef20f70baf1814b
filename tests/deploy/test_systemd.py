"""deploy/systemd/: the units pass `systemd-analyze verify` (in a scratch root holding stand-ins
for /opt/casework) and keep their hardening, user, environment file and restart policy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .support import DEPLOY, require_tool

UNITS = DEPLOY / "systemd"
SERVICES = ["casework-web", "casework-worker", "casework-beat", "casework-backup"]
LONG_RUNNING = ["casework-web", "casework-worker", "casework-beat"]
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "RestrictSUIDSGID": "yes",
    "CapabilityBoundingSet": "",
    "UMask": "0027",
}


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}}: systemd allows a key more than once, which
    configparser does not."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"{path.name}: a setting outside a section: {line}"
        key, sep, value = line.partition("=")
        assert sep, f"{path.name}: not key=value: {line}"
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def service(name: str) -> dict[str, list[str]]:
    return parse(UNITS / f"{name}.service")["Service"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_hardened_as_casework_with_the_environment_file(name):
    settings = service(name)
    assert settings["User"] == ["casework"]
    assert settings["Group"] == ["casework"]
    assert settings["EnvironmentFile"] == ["/etc/casework/casework.env"]
    assert settings["WorkingDirectory"] == ["/opt/casework"]
    for key, value in HARDENING.items():
        assert settings.get(key) == [value], f"{name}: {key} should be {value!r}"
    assert "/var/lib/casework" in " ".join(settings["ReadWritePaths"]).split()
    assert "@system-service" in settings["SystemCallFilter"]


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_runs_a_program_of_the_installation(name):
    (command,) = service(name)["ExecStart"]
    program = command.split()[0]
    assert program.startswith("/opt/casework/")
    if name in LONG_RUNNING:
        assert program.startswith("/opt/casework/.venv/bin/")
    else:
        assert (DEPLOY / Path(program).relative_to("/opt/casework/deploy")).is_file()


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_the_long_running_services_restart_and_wait_for_their_servers(name):
    unit = parse(UNITS / f"{name}.service")
    assert unit["Service"]["Restart"] == ["on-failure"]
    for server in ("postgresql.service", "redis-server.service"):
        assert server in unit["Unit"]["After"][0].split()
        assert server in unit["Unit"]["Wants"][0].split()
    assert unit["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_web_service_runs_gunicorn_with_the_deploy_configuration():
    (command,) = service("casework-web")["ExecStart"]
    assert command.split() == [
        "/opt/casework/.venv/bin/gunicorn",
        "--config",
        "/opt/casework/deploy/gunicorn.conf.py",
        "config.wsgi",
    ]


def test_the_beat_keeps_its_schedule_where_it_may_write():
    settings = service("casework-beat")
    (command,) = settings["ExecStart"]
    schedule = command.split("--schedule ")[1].split()[0]
    assert schedule.startswith("/var/lib/casework/")


def test_the_backup_runs_nightly_and_catches_up_after_downtime():
    timer = parse(UNITS / "casework-backup.timer")
    assert timer["Timer"]["Unit"] == ["casework-backup.service"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Timer"]["OnCalendar"][0].startswith("*-*-* ")
    assert timer["Install"]["WantedBy"] == ["timers.target"]
    assert "/var/backups/casework" in service("casework-backup")["ReadWritePaths"][0].split()
    assert service("casework-backup")["Type"] == ["oneshot"]


def test_the_scripts_the_units_and_the_guide_run_are_executable():
    for script in ("backup.sh", "restore.sh", "manage.sh", "nginx/render-for-compose.sh"):
        assert os.access(DEPLOY / script, os.X_OK), f"chmod +x deploy/{script}"


def scratch_root(tmp_path: Path) -> Path:
    """The system's own units, the Casework units, and stand-ins for the programs they start
    (verify checks that each ExecStart exists and is executable)."""
    system_units = Path("/usr/lib/systemd/system")
    if not (system_units / "sysinit.target").exists():
        pytest.fail("systemd's units are missing: apt-get install systemd")
    root = tmp_path / "root"
    shutil.copytree(system_units, root / "usr/lib/systemd/system", symlinks=True)
    shutil.copytree(UNITS, root / "etc/systemd/system")
    (root / "etc/casework").mkdir(parents=True)
    (root / "etc/casework/casework.env").write_text("CASEWORK_PROFILE=production\n")
    for program in (".venv/bin/gunicorn", ".venv/bin/celery", "deploy/backup.sh"):
        stand_in = root / "opt/casework" / program
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text("#!/bin/sh\n")
        stand_in.chmod(0o755)
    (root / "bin").mkdir(exist_ok=True)
    shutil.copy2(require_tool("kill", "procps"), root / "bin/kill")  # ExecReload
    return root


def verify(root: Path, *units: str) -> subprocess.CompletedProcess:
    analyze = require_tool("systemd-analyze", "systemd")
    return subprocess.run(
        [analyze, "verify", f"--root={root}", *(f"/etc/systemd/system/{u}" for u in units)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_systemd_analyze_verifies_the_units(tmp_path):
    result = verify(scratch_root(tmp_path), *sorted(unit.name for unit in UNITS.iterdir()))
    # verify exits 0 on unknown keys and bad values, and only warns: any output is a failure.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_systemd_analyze_would_catch_a_mistyped_setting(tmp_path):
    root = scratch_root(tmp_path)
    unit = (root / "etc/systemd/system/casework-web.service").read_text()
    broken = unit.replace("ProtectSystem=strict", "ProtectSystm=strict")
    (root / "etc/systemd/system/casework-broken.service").write_text(broken)
    assert "Unknown key 'ProtectSystm'" in verify(root, "casework-broken.service").stderr
