"""Identity fields encrypted at rest: the raw columns hold no name, the application reads
them, a wrong key stops it, keys rotate, and the first name is still searched."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from casework import crypto
from casework.models import EncryptionCheck
from clients.models import Client

from .conftest import BIRTH_DATE

pytestmark = pytest.mark.django_db


def raw(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT first_name, last_name, phone, birth_date, first_name_hash FROM {table}"  # noqa: S608
        )
        return cursor.fetchall()


def test_a_dump_shows_no_name_but_the_application_reads_them(planted):
    dump = " ".join(
        str(v)
        for t in ("clients_client", "clients_historicalclient")
        for row in raw(t)
        for v in row
    )
    assert not [w for w in planted.identity if w in dump]
    assert BIRTH_DATE.isoformat() not in dump
    first_name, last_name, phone, birth_date, _hash = raw("clients_client")[0]
    assert all(v.startswith("gAAAAA") for v in (first_name, last_name, phone, birth_date))
    client = Client.objects.get()
    assert (client.first_name, client.birth_date) == (planted.identity[0], BIRTH_DATE)


def test_the_same_name_twice_is_two_different_tokens(holder):
    from tests.factories import make_case

    make_case(holder, first_name="Samira")
    make_case(holder, first_name="Samira")
    tokens = [row[0] for row in raw("clients_client")]
    hashes = {row[4] for row in raw("clients_client")}
    assert len(set(tokens)) == 2 and len(hashes) == 1  # searchable, yet not comparable raw


def test_a_wrong_key_is_refused_before_anything_is_shown(planted, settings):
    crypto.check_keys()  # writes the check with the key in use
    assert EncryptionCheck.objects.exists()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.WrongKey, match="cannot read the data in this database"):
        crypto.check_keys()
    with pytest.raises(crypto.WrongKey):
        Client.objects.get().first_name  # noqa: B018 (no garbage either)


def test_keys_rotate_without_losing_a_name(planted, settings):
    crypto.check_keys()
    old = settings.FIELD_ENCRYPTION_KEYS[0]
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    crypto.check_keys()
    assert Client.objects.get().first_name == planted.identity[0]
    assert {v.first_name for v in Client.history.all()} >= set(planted.identity[:1])


def test_a_new_search_key_takes_effect_with_the_rotation(holder, settings, web):
    from django.urls import reverse

    from tests.factories import make_case

    case = make_case(holder, first_name="Yonas")
    settings.FIELD_HASH_KEY = "another-long-random-search-key-for-this-test-only"
    call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115
    found = web(holder).post(reverse("caseload"), {"q": "yonas"}).context["page"].object_list
    assert [c.pk for c in found] == [case.pk]


def test_an_installation_without_its_own_key_does_not_start_in_production(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(
        CASEWORK_PROFILE="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="casework.centre.test",
        CASEWORK_BASE_URL="https://casework.centre.test",
        DATABASE_URL="postgres://casework@127.0.0.1:5432/casework",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="smtp://127.0.0.1:1025",
        CASEWORK_VAR_DIR=str(tmp_path),
    )
    environment.pop("FIELD_ENCRYPTION_KEYS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=environment,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must hold this installation's own key" in result.stderr
    assert "FIELD_HASH_KEY" in result.stderr
    bad = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env={**environment, "FIELD_ENCRYPTION_KEYS": "not-a-key"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode != 0 and "Fernet keys" in bad.stderr


def test_the_web_process_and_the_checks_refuse_a_wrong_key(tmp_path):
    """On a real database: migrated and checked with one key, started with another."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        CASEWORK_VAR_DIR=str(tmp_path), FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode()
    )

    def run(*command, **extra):
        return subprocess.run(
            [sys.executable, *command],
            env={**environment, **extra},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    assert run("manage.py", "migrate", "--noinput").returncode == 0
    assert run("manage.py", "check").returncode == 0  # writes the check with this key
    other = Fernet.generate_key().decode()
    checked = run("manage.py", "check", FIELD_ENCRYPTION_KEYS=other)
    assert checked.returncode != 0 and "casework.E001" in checked.stderr
    started = run("-c", "import config.wsgi", FIELD_ENCRYPTION_KEYS=other)
    assert started.returncode != 0
    assert "cannot read the data in this database" in started.stderr
    assert run("-c", "import config.wsgi").returncode == 0
