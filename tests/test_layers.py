"""Dependencies point one way: no module imports from an app on a floor above its own.

The floors, lowest first (docs and DESIGN.md): the kernel, then each domain app on those below
it, then the demo, which nothing imports. Every import counts, at module level or inside a
function; a migration counts too (it runs on every installation).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
# config (settings, root URLs, Celery, WSGI, /healthz) wires the apps together: above them all,
# below the demo only.
FLOORS = [
    "casework",
    "clients",
    "reminders",
    "sessions",
    "referrals",
    "reports",
    "privacy",
    "config",
    "demo",
]


def imported_apps(path: Path) -> set[tuple[int, str]]:
    """``(line, app)`` for each import of one of our apps in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {(node.lineno, name.split(".")[0]) for name in names}
    return {(line, app) for line, app in found if app in FLOORS}


def upward_imports() -> list[str]:
    upward = []
    for floor, app in enumerate(FLOORS):
        for path in sorted((REPO / app).rglob("*.py")):
            for line, imported in sorted(imported_apps(path)):
                if FLOORS.index(imported) > floor:
                    upward.append(f"{path.relative_to(REPO)}:{line} imports {imported}")
    return upward


def test_no_module_imports_from_a_floor_above_its_own():
    assert upward_imports() == []


def test_every_app_of_ours_has_a_floor():
    ours = {app for app in settings.INSTALLED_APPS if (REPO / app).is_dir()}
    assert ours <= set(FLOORS), ours - set(FLOORS)


def test_the_walk_finds_an_upward_import(tmp_path, monkeypatch):
    """The check itself can fail: a kernel module that imports a domain app is reported."""
    kernel = tmp_path / "casework"
    kernel.mkdir()
    (kernel / "bad.py").write_text("def f():\n    from clients.models import Case\n")
    monkeypatch.setattr("tests.test_layers.REPO", tmp_path)
    for app in FLOORS[1:]:
        (tmp_path / app).mkdir()
    assert upward_imports() == ["casework/bad.py:2 imports clients"]
