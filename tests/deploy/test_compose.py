"""deploy/compose.yaml: valid against the Compose Specification's JSON schema (vendored, see
README.md here), and what the schema cannot say: health checks, non-root users, declared
volumes, pinned images, secrets only from .env."""

from __future__ import annotations

import copy
import json
import re

import jsonschema
import pytest
import yaml

from .support import DEPLOY, read_env_example

SCHEMA = json.loads((DEPLOY.parent / "tests" / "deploy" / "compose_spec.json").read_text())
COMPOSE_TEXT = (DEPLOY / "compose.yaml").read_text()
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
SERVICES = COMPOSE["services"]
CASEWORK = ["migrate", "web", "worker", "beat"]
ONE_SHOT = {"migrate", "backup"}
LONG_RUNNING = [name for name in SERVICES if name not in ONE_SHOT]


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_it_is_valid_against_the_compose_specification():
    assert schema_errors(COMPOSE) == []


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["services"]["web"].update(restart_policy="always"),
        lambda c: c["services"]["web"]["depends_on"]["postgres"].update(condition="healthy"),
        lambda c: c["services"]["web"]["healthcheck"].update(command="true"),
    ],
)
def test_the_schema_check_would_catch_a_mistake(breakage):
    broken = copy.deepcopy(COMPOSE)
    breakage(broken)
    assert schema_errors(broken) != []


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_each_long_running_service_is_health_checked_or_waits_for_a_healthy_one(name):
    service = SERVICES[name]
    checked = "test" in service.get("healthcheck", {})
    waits = any(
        dependency.get("condition") == "service_healthy"
        for dependency in service.get("depends_on", {}).values()
    )
    assert checked or waits
    assert service["restart"] == "unless-stopped"


def test_dependencies_wait_for_health_or_completion():
    for name, service in SERVICES.items():
        for dependency, rule in service.get("depends_on", {}).items():
            expected = (
                "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            )
            assert rule["condition"] == expected, f"{name} -> {dependency}"
            assert "test" in SERVICES[dependency].get("healthcheck", {}) or dependency in ONE_SHOT


def test_the_image_health_check_is_replaced_where_no_web_server_runs():
    # The image's HEALTHCHECK asks gunicorn: the worker, beat and migrate have none.
    assert "celery" in " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert SERVICES["beat"]["healthcheck"] == {"disable": True}
    assert SERVICES["migrate"]["healthcheck"] == {"disable": True}
    assert "healthcheck.py" in " ".join(SERVICES["web"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", CASEWORK)
def test_the_casework_services_run_unprivileged_on_a_read_only_root(name):
    service = SERVICES[name]
    uid, _, gid = service["user"].partition(":")
    assert int(uid) > 0 and int(gid) > 0
    assert service["read_only"] is True
    assert "/tmp" in service["tmpfs"]  # noqa: S108
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    assert service["env_file"] == ".env"
    assert service["build"]["dockerfile"] == "deploy/Dockerfile"


def test_the_casework_services_use_the_deploy_configuration():
    assert "/opt/casework/deploy/gunicorn.conf.py" in SERVICES["web"]["command"]
    assert SERVICES["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    beat = SERVICES["beat"]["command"]
    schedule = beat[beat.index("--schedule") + 1]
    assert any(schedule.startswith(m.split(":")[1]) for m in SERVICES["beat"]["volumes"])


def test_celery_runs_the_projects_app_where_it_lives():
    """Found in review: after the move to config/, the worker and beat still named the old app."""
    from django.conf import settings

    app = settings.ROOT_URLCONF.split(".")[0]  # config: the package that holds the Celery app
    commands = [COMPOSE["services"][name]["command"] for name in ("worker", "beat")]
    for command in commands:
        assert command[command.index("--app") + 1] == app, command
    for unit in ("casework-worker.service", "casework-beat.service"):
        assert f"--app {app} " in (DEPLOY / "systemd" / unit).read_text()
    assert f"--app {app} " in (DEPLOY.parent / "Procfile").read_text()


def test_every_named_volume_and_network_is_declared():
    for name, service in SERVICES.items():
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if not source.startswith((".", "/")):
                assert source in COMPOSE["volumes"], f"{name}: volume {source}"
        for network in service.get("networks", []):
            assert network in COMPOSE["networks"], f"{name}: network {network}"


def test_only_nginx_publishes_ports_and_the_data_stays_inside():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["nginx"]
    assert COMPOSE["networks"]["internal"]["internal"] is True
    for name in ("postgres", "redis", "beat", "migrate"):
        assert SERVICES[name]["networks"] == ["internal"]


@pytest.mark.parametrize("name", SERVICES)
def test_images_are_pinned_to_a_version(name):
    image = SERVICES[name]["image"]
    repository, _, tag = image.rpartition(":")
    assert repository and tag and tag != "latest", image
    if name not in CASEWORK:
        assert re.match(r"\d", tag), f"{image}: name a version"


def test_no_secret_is_written_in_the_file():
    secret_names = re.compile(r"(PASSWORD|SECRET|TOKEN|KEY)", re.IGNORECASE)
    for name, service in SERVICES.items():
        environment = service.get("environment", {})
        for key, value in environment.items():
            if secret_names.search(key) or "://" in str(value):
                # Only interpolated from .env, never a literal.
                literal = re.sub(r"\$\{[^}]+\}", "", str(value))
                assert not re.search(r":[^/@]+@", literal), f"{name}: {key}"
                if secret_names.search(key):
                    assert str(value).startswith("${"), f"{name}: {key} must come from .env"


def test_every_variable_it_interpolates_is_in_the_env_example():
    active, commented = read_env_example(DEPLOY / ".env.example")
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE_TEXT))
    assert used
    assert used <= set(active) | commented
    required = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*):\?", COMPOSE_TEXT))
    assert required <= set(active), "a required variable must be an active line"


def test_logs_are_rotated_by_docker():
    for name, service in SERVICES.items():
        assert service["logging"]["driver"] == "local", name
