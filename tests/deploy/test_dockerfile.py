"""deploy/Dockerfile, read instruction by instruction (no Docker engine is needed): two stages,
hashed requirements, an unprivileged final stage with a health check, and COPY lines that name
what exists and everything the application needs."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

import yaml

from .support import DEPLOY, REPO, local_apps


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for kw, argument in self.instructions if kw == keyword]


def parse(text: str) -> tuple[dict[str, str], list[Stage]]:
    """Global ARGs and the stages, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    ))  # fmt: skip
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for line in joined.splitlines():
        if not line.strip():
            continue
        keyword, _, argument = line.strip().partition(" ")
        keyword, argument = keyword.upper(), " ".join(argument.split())
        if keyword == "FROM":
            base, _, name = argument.partition(" AS ")
            stages.append(Stage(base=base.strip(), name=name.strip()))
        elif not stages:
            assert keyword == "ARG", f"{keyword} before the first FROM"
            name, _, default = argument.partition("=")
            arguments[name] = default
        else:
            stages[-1].instructions.append((keyword, argument))
    return arguments, stages


ARGUMENTS, STAGES = parse((DEPLOY / "Dockerfile").read_text())
BUILDER, RUNTIME = STAGES[0], STAGES[-1]


def base_image(stage: Stage) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda m: ARGUMENTS[m.group(1)], stage.base)


def test_it_builds_in_a_builder_stage_and_runs_from_a_slim_python_3_11():
    assert len(STAGES) >= 2
    assert (BUILDER.name, RUNTIME.name) == ("builder", "runtime")
    for stage in STAGES:
        image = base_image(stage)
        assert image.startswith("python:3.11-slim"), image
        assert not image.endswith(":latest")


def test_the_requirements_are_installed_by_hash_from_wheels_only():
    (install,) = [run for run in BUILDER.all("RUN") if "pip install" in run]
    assert "--require-hashes" in install
    assert "--only-binary=:all:" in install
    assert "--requirement /tmp/requirements.txt" in install
    assert "COPY requirements.txt /tmp/requirements.txt" in [
        f"COPY {a}" for a in BUILDER.all("COPY")
    ]
    assert "--hash=sha256:" in (REPO / "requirements.txt").read_text()


def test_the_runtime_stage_takes_only_the_virtual_environment_from_the_builder():
    from_builder = [a for a in RUNTIME.all("COPY") if a.startswith("--from=")]
    assert from_builder == ["--from=builder /opt/casework/.venv /opt/casework/.venv"]


def test_it_runs_as_a_fixed_unprivileged_user_that_the_compose_file_agrees_with():
    (user,) = RUNTIME.all("USER")
    uid, _, gid = user.partition(":")
    assert int(uid) >= 1000 and int(gid) >= 1000
    creates = " ".join(RUNTIME.all("RUN"))
    assert f"--uid {uid}" in creates and f"--gid {gid}" in creates
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert compose["services"]["web"]["user"] == user
    # USER comes after every RUN: nothing later runs as root.
    keywords = [keyword for keyword, _ in RUNTIME.instructions]
    assert keywords.index("USER") > max(i for i, k in enumerate(keywords) if k == "RUN")


def test_it_has_a_health_check_without_curl_and_serves_gunicorn_on_8000():
    (healthcheck,) = RUNTIME.all("HEALTHCHECK")
    assert '"python", "/opt/casework/deploy/healthcheck.py"' in healthcheck
    assert "curl" not in healthcheck and "wget" not in healthcheck
    assert RUNTIME.all("EXPOSE") == ["8000"]
    (command,) = RUNTIME.all("CMD")
    assert "/opt/casework/deploy/gunicorn.conf.py" in command
    assert "GUNICORN_BIND=0.0.0.0:8000" in " ".join(RUNTIME.all("ENV"))


def test_static_files_are_collected_at_build_time():
    assert any("manage.py collectstatic --noinput" in run for run in RUNTIME.all("RUN"))


def test_nothing_is_added_from_a_url():
    for stage in STAGES:
        assert stage.all("ADD") == [], "use COPY; ADD fetches URLs and unpacks archives"
        for run in stage.all("RUN"):
            assert not re.search(r"\b(curl|wget)\b", run)


def copied_sources() -> list[str]:
    sources = []
    for argument in RUNTIME.all("COPY") + BUILDER.all("COPY"):
        if argument.startswith("--from="):
            continue
        *paths, _destination = shlex.split(argument)
        sources += paths
    return sources


def test_every_copied_path_exists_in_the_repository():
    for source in copied_sources():
        assert (REPO / source).exists(), source


def test_every_application_package_and_what_the_image_runs_is_copied():
    sources = set(copied_sources())
    apps = local_apps()
    assert {"casework", "clients", "sessions", "privacy"} <= apps
    needed = apps | {"config", "manage.py", "templates", "static", "locale"}
    assert needed <= sources, needed - sources
    assert {"deploy/gunicorn.conf.py", "deploy/healthcheck.py"} <= sources
    # Never the whole repository: .venv/, var/ and .env files must stay out of the image.
    assert "." not in sources and "deploy" not in sources


def test_the_code_of_every_application_package_is_compiled_at_build_time():
    # The root file system is read-only at run time: nothing could write __pycache__ then.
    (compile_run,) = [run for run in RUNTIME.all("RUN") if "compileall" in run]
    compiled = set(compile_run.partition("compileall")[2].partition("&&")[0].split())
    assert local_apps() | {"config", "deploy"} <= compiled, local_apps() - compiled


def test_compiled_translations_are_in_the_repository():
    assert list((REPO / "locale").glob("*/LC_MESSAGES/django.mo"))
