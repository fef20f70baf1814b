"""deploy/backup.sh and deploy/restore.sh, for real, against the local PostgreSQL: a migrated
Casework database with the demo data is backed up, restored into scratch databases under other
names, and compared row for row. The scratch databases (casework_backup_test_*) are dropped
afterwards; the Django test database is never touched."""

from __future__ import annotations

import re
import secrets
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from deploy.pgenv import pg_environment

from .support import DEPLOY, REPO, clean_environment, require_tool

SERVER = "postgres://postgres@127.0.0.1:5432"


def url(database: str) -> str:
    return f"{SERVER}/{database}"


def admin() -> psycopg.Connection:
    try:
        return psycopg.connect(url("postgres"), autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL must run on 127.0.0.1:5432 (user postgres, trust): {error}")


@pytest.fixture(scope="module")
def scratch() -> Iterator[Callable[[str], str]]:
    """Makes unique scratch names (databases and roles), and drops them all at the end."""
    require_tool("pg_dump", "postgresql-client")
    require_tool("pg_restore", "postgresql-client")
    require_tool("psql", "postgresql-client")
    made: list[tuple[str, str]] = []

    def name(kind: str = "database") -> str:
        made.append((kind, f"casework_backup_test_{secrets.token_hex(4)}"))
        return made[-1][1]

    yield name
    with admin() as connection:
        for kind, made_name in reversed(made):
            if kind == "database":
                statement = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
            else:
                statement = "DROP ROLE IF EXISTS {}"
            connection.execute(sql.SQL(statement).format(sql.Identifier(made_name)))


@pytest.fixture(scope="module")
def source(scratch, tmp_path_factory) -> str:
    """A migrated Casework database holding the demo data."""
    database = scratch("database")
    with admin() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    environment = clean_environment(
        DATABASE_URL=url(database), CASEWORK_VAR_DIR=str(tmp_path_factory.mktemp("var"))
    )
    for command in (["migrate", "--noinput"], ["demo_data"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    return database


def row_counts(database: str) -> dict[str, int]:
    with psycopg.connect(url(database)) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return {
            table: connection.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]
            for (table,) in tables
        }


def run(script: str, *arguments: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [require_tool("bash", "bash"), str(DEPLOY / script), *arguments],
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def backup(database: str, backup_dir: Path, **env: str) -> Path:
    result = run("backup.sh", DATABASE_URL=url(database), BACKUP_DIR=str(backup_dir), **env)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def restore(backup_file: Path, target: str, *options: str, **env: str):
    return run(
        "restore.sh", *options, str(backup_file), target, DATABASE_URL=url("postgres"), **env
    )


def test_a_backup_restores_into_a_new_database_with_every_row(source, scratch, tmp_path):
    backup_dir = tmp_path / "backups"
    dump = backup(source, backup_dir)
    assert dump.parent == backup_dir and dump.name.startswith(f"{source}-")
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert stat.S_IMODE(backup_dir.stat().st_mode) == 0o700

    target = scratch("database")
    result = restore(dump, target)
    assert result.returncode == 0, result.stderr
    restored, original = row_counts(target), row_counts(source)
    assert restored == original
    assert original["clients_client"] > 0 and original["django_migrations"] > 0
    # The administrator sees the counts of the main tables.
    assert re.search(rf"clients_client\s+\|\s+{original['clients_client']}\n", result.stdout)


def test_it_refuses_to_overwrite_a_database_that_holds_tables_unless_forced(
    source, scratch, tmp_path
):
    dump = backup(source, tmp_path / "backups")
    target = scratch("database")
    assert restore(dump, target).returncode == 0

    refused = restore(dump, target)
    assert refused.returncode != 0
    assert f"database {target} exists and holds" in refused.stderr

    forced = restore(dump, target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert row_counts(target) == row_counts(source)


def test_it_restores_into_an_existing_empty_database(source, scratch, tmp_path):
    dump = backup(source, tmp_path / "backups")
    target = scratch("database")
    with admin() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    result = restore(dump, target)
    assert result.returncode == 0, result.stderr
    assert row_counts(target) == row_counts(source)


def test_the_owner_option_gives_the_application_role_everything_restored(source, scratch, tmp_path):
    role = scratch("role")
    with admin() as connection:
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    target = scratch("database")
    result = restore(backup(source, tmp_path / "backups"), target, "--owner", role)
    assert result.returncode == 0, result.stderr
    with psycopg.connect(url(target)) as connection:
        owners = connection.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        database_owner = connection.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    assert owners == [(role,)]
    assert database_owner == (role,)


def test_it_keeps_only_the_last_backups(source, tmp_path):
    backup_dir = tmp_path / "backups"
    made = [backup(source, backup_dir, BACKUP_KEEP="2") for _ in range(3)]
    assert sorted(backup_dir.iterdir()) == made[1:]


@pytest.fixture(autouse=True)
def _no_gpg_agent_left(tmp_path):
    """gpg starts an agent per home; each test stops those of its homes when it ends."""
    yield
    gpgconf = require_tool("gpgconf", "gnupg")
    for keyring in tmp_path.rglob("pubring.kbx"):
        home = str(keyring.parent)
        subprocess.run(
            [gpgconf, "--homedir", home, "--kill", "gpg-agent"],
            capture_output=True,
            check=False,
            timeout=30,
        )


def gnupg_home(folder: Path, *key: str) -> Path:
    """A GnuPG home holding one key pair, made by `gpg --quick-generate-key USER-ID *key`."""
    folder.mkdir(mode=0o700)
    subprocess.run(
        [require_tool("gpg", "gnupg"), "--batch", "--passphrase", "", "--quick-generate-key",
         *key],
        env=clean_environment(GNUPGHOME=str(folder)),
        capture_output=True,
        check=True,
        timeout=120,
    )  # fmt: skip
    return folder


@pytest.fixture
def key_holder(tmp_path) -> Path:
    """The command of deploy/README.md: an encryption subkey comes with the default usage."""
    return gnupg_home(
        tmp_path / "key-holder", "Casework backups <backup@example.invalid>", "default", "default",
        "never",
    )  # fmt: skip


def test_an_encrypted_backup_leaves_no_plain_copy_and_restores_with_the_key(
    source, scratch, tmp_path, key_holder
):
    backup_dir = tmp_path / "backups"
    dump = backup(
        source,
        backup_dir,
        GNUPGHOME=str(key_holder),
        BACKUP_GPG_RECIPIENT="backup@example.invalid",
    )
    assert dump.name.endswith(".dump.gpg")
    assert list(backup_dir.iterdir()) == [dump]
    assert not dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format, in clear

    target = scratch("database")
    result = restore(dump, target, GNUPGHOME=str(key_holder))
    assert result.returncode == 0, result.stderr
    assert row_counts(target) == row_counts(source)

    # On the server, without the private key: the administrator is told where to decrypt it.
    server = tmp_path / "server-gnupg"
    server.mkdir(mode=0o700)
    refused = restore(dump, scratch("database"), GNUPGHOME=str(server))
    assert refused.returncode != 0
    assert "decrypt it on the key holder's computer" in refused.stderr


def test_a_key_that_cannot_encrypt_is_refused_before_the_dump(source, tmp_path):
    # `gpg --quick-gen-key NAME ed25519 default never` makes a signing key without a subkey.
    home = gnupg_home(
        tmp_path / "gnupg", "Sign only <sign@example.invalid>", "ed25519", "default", "never"
    )
    backup_dir = tmp_path / "backups"
    result = run(
        "backup.sh",
        DATABASE_URL=url(source),
        BACKUP_DIR=str(backup_dir),
        GNUPGHOME=str(home),
        BACKUP_GPG_RECIPIENT="sign@example.invalid",
    )
    assert result.returncode == 1
    assert "backup: cannot encrypt to BACKUP_GPG_RECIPIENT=sign@example.invalid" in result.stderr
    assert not backup_dir.exists() or list(backup_dir.iterdir()) == []


def test_a_failed_backup_leaves_no_file(scratch, tmp_path):
    backup_dir = tmp_path / "backups"
    result = run("backup.sh", DATABASE_URL=url(scratch("database")), BACKUP_DIR=str(backup_dir))
    assert result.returncode != 0  # the database does not exist
    assert list(backup_dir.iterdir()) == []


def test_it_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run("backup.sh", DATABASE_URL="sqlite:///var/db.sqlite3", BACKUP_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "must be a PostgreSQL URL" in result.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(scratch, tmp_path):
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a dump")
    result = restore(not_a_dump, scratch("database"))
    assert result.returncode != 0
    assert "not a readable pg_dump custom-format file" in result.stderr


@pytest.mark.parametrize(
    ("database_url", "expected"),
    [
        (
            "postgres://casework:p%40ss%3Aw%2Frd@db.example.org:6543/casework",
            {
                "PGHOST": "db.example.org",
                "PGPORT": "6543",
                "PGUSER": "casework",
                "PGPASSWORD": "p@ss:w/rd",
                "PGDATABASE": "casework",
            },
        ),
        ("postgres:///casework", {"PGDATABASE": "casework"}),
        (
            "postgresql://casework@/casework?host=/var/run/postgresql&sslmode=disable",
            {
                "PGUSER": "casework",
                "PGDATABASE": "casework",
                "PGHOST": "/var/run/postgresql",
                "PGSSLMODE": "disable",
            },
        ),
        (
            "postgres://u@[::1]:5432/cw",
            {"PGHOST": "::1", "PGPORT": "5432", "PGUSER": "u", "PGDATABASE": "cw"},
        ),
    ],
)  # fmt: skip
def test_database_urls_become_libpq_variables(database_url, expected):
    assert pg_environment(database_url) == expected


def test_the_password_reaches_the_shell_as_a_variable():
    script = f'eval "$(python3 {DEPLOY / "pgenv.py"})"; printf %s "$PGPASSWORD"'
    result = subprocess.run(
        [require_tool("bash", "bash"), "-c", script],
        env=clean_environment(DATABASE_URL="postgres://u:it%27s%20%24HOME%60@h/d"),
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert result.stdout == "it's $HOME`"
