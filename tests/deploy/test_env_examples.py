"""deploy/casework.env.example and deploy/.env.example cannot drift from the settings: every
variable they name is read by config/settings.py (or by the deploy file that uses it), every
variable the production profile needs is there, the examples carry no secret, the production
profile refuses them as shipped (their host names and mail settings are examples, their keys
empty), and once the fields deploy/README.md lists are filled in they pass `manage.py check
--deploy`."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest
import yaml
from cryptography.fernet import Fernet
from django.conf import settings

from .support import DEPLOY, REPO, application_keys, clean_environment, read_env_example

NATIVE = DEPLOY / "casework.env.example"
CONTAINERS = DEPLOY / ".env.example"
SETTINGS = (REPO / "config" / "settings.py").read_text()
# Variables that are not Django settings, and the deploy file that reads each family.
CONSUMERS = {
    "GUNICORN_": DEPLOY / "gunicorn.conf.py",
    "BACKUP_": DEPLOY / "backup.sh",
    "POSTGRES_": DEPLOY / "compose.yaml",
    "CASEWORK_SERVER_NAME": DEPLOY / "compose.yaml",
}
# What the production profile refuses to start without (production_problems() and the
# SECRET_KEY check before it).
PRODUCTION_NEEDS = {
    "CASEWORK_PROFILE",
    "DEBUG",
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "FIELD_HASH_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "EMAIL_URL",
}
# The application's keys (deploy/README.md, step 6 and "Encryption keys"), and the database's.
KEYS = {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "FIELD_HASH_KEY"}
SECRETS = {*KEYS, "POSTGRES_PASSWORD"}
# What an administrator puts in the fields the guide's step 6 lists: a real-looking host and
# mail account (.test is reserved, RFC 2606, and not refused as an example).
HOST = "casework.centre.test"
FILLED_IN = {
    "ALLOWED_HOSTS": HOST,
    "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
    "CASEWORK_BASE_URL": f"https://{HOST}",
    "EMAIL_URL": "smtp+tls://casework%40centre.test:a%2Fpassword@smtp.centre.test:587",
    "DEFAULT_FROM_EMAIL": "casework@centre.test",
}
GUIDE = (DEPLOY / "README.md").read_text()


def compose_web_environment(values: dict[str, str]) -> dict[str, str]:
    """The web container's environment as docker compose makes it: env_file, then the
    service's `environment`, with ${NAME}, ${NAME:?message} and ${NAME:-default} filled in."""
    web = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["web"]

    def interpolate(text: str) -> str:
        def value(match: re.Match) -> str:
            name, operator, fallback = match.group(1), match.group(2), match.group(3)
            if values.get(name):
                return values[name]
            assert operator != ":?", f"{name} is required: {fallback}"
            return fallback or ""

        return re.sub(r"\$\{(\w+)(?:(:\?|:-)([^}]*))?\}", value, text)

    return {**values, **{k: interpolate(str(v)) for k, v in web["environment"].items()}}


def test_the_settings_read_every_variable_the_examples_name():
    for example in (NATIVE, CONTAINERS):
        active, commented = read_env_example(example)
        for name in set(active) | commented:
            consumer = next((f for p, f in CONSUMERS.items() if name.startswith(p)), None)
            if consumer is None:
                assert f'"{name}"' in SETTINGS, f"{example.name}: settings.py never reads {name}"
            else:
                assert name in consumer.read_text(), f"{consumer.name} never reads {name}"


def test_the_deploy_files_variables_are_documented_in_the_examples():
    native_active, native_commented = read_env_example(NATIVE)
    documented = set(native_active) | native_commented
    gunicorn = set(re.findall(r'"(GUNICORN_\w+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    assert {"GUNICORN_BIND", "GUNICORN_WORKERS"} <= gunicorn & documented
    backup = set(re.findall(r"\$\{(BACKUP_\w+)", (DEPLOY / "backup.sh").read_text()))
    assert backup - {"BACKUP_DIR"} <= documented  # BACKUP_DIR is fixed by the unit


def test_the_native_example_names_everything_production_needs():
    active, _ = read_env_example(NATIVE)
    assert set(active) >= PRODUCTION_NEEDS
    assert active["CASEWORK_PROFILE"] == "production"
    assert active["DEBUG"] == "false"


def test_the_container_example_with_the_compose_file_names_everything_production_needs():
    active, _ = read_env_example(CONTAINERS)
    environment = compose_web_environment({**active, "POSTGRES_PASSWORD": "x"})
    assert set(environment) >= PRODUCTION_NEEDS
    assert environment["CASEWORK_PROFILE"] == "production"
    assert environment["DATABASE_URL"].startswith("postgres://casework:x@postgres:5432/")


@pytest.mark.parametrize("example", [NATIVE, CONTAINERS], ids=lambda p: p.name)
def test_the_examples_hold_no_secret(example):
    active, _ = read_env_example(example)
    for name in SECRETS & set(active):
        assert active[name] == "", f"{name} must be left empty in the example"
    password = re.search(r"://[^:/@]+:([^@]*)@", active["EMAIL_URL"])
    assert password and password.group(1) == "CHANGE-ME"


def commands_above(example, name: str) -> list[str]:
    """The `python3 -c '...'` (or the venv's python) commands in the comment above NAME=."""
    comment: list[str] = []
    for line in example.read_text().splitlines():
        if line.startswith(f"{name}="):
            return [c.strip() for c in comment if re.match(r"\s*\S*python3? -c ", c)]
        comment = [*comment, line.lstrip("# ")] if line.startswith("#") else []
    raise AssertionError(f"{example.name} has no {name}= line")


@pytest.mark.parametrize("example", [NATIVE, CONTAINERS], ids=lambda p: p.name)
def test_the_examples_say_how_to_make_each_key_and_the_settings_accept_what_it_makes(example):
    made = {}
    for name in KEYS:
        (command,) = commands_above(example, name)
        code = shlex.split(command)[2]  # PYTHON -c CODE: the test run's python runs CODE
        made[name] = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    assert len(made["SECRET_KEY"]) >= 50 and len(made["FIELD_HASH_KEY"]) >= 32
    Fernet(made["FIELD_ENCRYPTION_KEYS"].encode())  # a malformed key raises ValueError


def manage(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPO,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_native_example_as_shipped_refuses_to_start(tmp_path):
    active, _ = read_env_example(NATIVE)
    result = manage({**active, "CASEWORK_VAR_DIR": str(tmp_path)}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def step_6() -> str:
    return GUIDE[GUIDE.index("**6. The settings.**") : GUIDE.index("**7. ")]


def test_the_guide_lists_the_fields_to_fill_in_and_what_is_refused():
    for name in {*KEYS, *FILLED_IN}:
        assert f"`{name}`" in step_6(), f"step 6 does not ask for {name}"
    for name in settings.EXAMPLE_CHECKED:
        assert f"`{name}`" in step_6(), f"step 6 does not say {name} is checked"
    for marker in settings.EXAMPLE_MARKERS:
        assert f"`{marker}`" in step_6(), f"step 6 does not name {marker}"


def native_filled_in(tmp_path, **values: str) -> dict[str, str]:
    active, _ = read_env_example(NATIVE)
    return {**active, **application_keys(), **values, "CASEWORK_VAR_DIR": str(tmp_path)}


def container_filled_in(tmp_path, **values: str) -> dict[str, str]:
    active, _ = read_env_example(CONTAINERS)
    filled_secrets = {**application_keys(), "POSTGRES_PASSWORD": "0a1b2c"}
    environment = compose_web_environment({**active, **filled_secrets, **values})
    environment["CASEWORK_VAR_DIR"] = str(tmp_path)  # the image sets /var/lib/casework
    return environment


@pytest.mark.parametrize(
    "filled_in", [native_filled_in, container_filled_in], ids=["native", "containers"]
)
def test_the_examples_with_only_the_secrets_filled_in_are_refused(tmp_path, filled_in):
    result = manage(filled_in(tmp_path), "check")
    assert result.returncode != 0
    for name in FILLED_IN:
        assert f"{name} still holds an example value" in result.stderr, name


@pytest.mark.parametrize(
    "filled_in", [native_filled_in, container_filled_in], ids=["native", "containers"]
)
@pytest.mark.parametrize(
    ("made", "missing"),
    [({"SECRET_KEY"}, "FIELD_ENCRYPTION_KEYS"), (KEYS - {"FIELD_HASH_KEY"}, "FIELD_HASH_KEY")],
    ids=["only-secret-key", "no-hash-key"],
)
def test_the_examples_with_a_key_left_empty_are_refused_naming_it(
    tmp_path, filled_in, made, missing
):
    """Only SECRET_KEY made (the encryption keys empty, as shipped), or the hash key forgotten:
    Casework does not start, and names the key."""
    left_empty = dict.fromkeys(KEYS - made, "")
    result = manage(filled_in(tmp_path, **left_empty), "check")
    assert result.returncode != 0
    refusal = result.stderr.splitlines()[-1]
    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert f"{missing} must" in refusal, refusal


def test_the_native_example_filled_in_as_the_guide_says_passes_the_deployment_checks(tmp_path):
    result = manage(
        native_filled_in(tmp_path, **FILLED_IN), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_container_set_up_filled_in_passes_the_deployment_checks(tmp_path):
    filled = container_filled_in(tmp_path, CASEWORK_SERVER_NAME=HOST, **FILLED_IN)
    result = manage(filled, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_container_set_up_refuses_to_start_without_the_database_password():
    active, _ = read_env_example(CONTAINERS)
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD is required"):
        compose_web_environment(active)
