"""Turns DATABASE_URL into libpq's PG* environment variables, for backup.sh and restore.sh.

    eval "$(python3 deploy/pgenv.py)"

The URL is read from the environment and the password leaves as PGPASSWORD in the environment,
never on a command line, where any local user could read it in the process list. Only the
Python standard library is used: the scripts may run with the system's python3.
"""

from __future__ import annotations

import os
import shlex
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

# django-environ's names for PostgreSQL; libpq itself knows the first two.
SCHEMES = ("postgres", "postgresql", "pgsql", "psql")
# Connection parameters a URL's query may carry, as libpq's environment variables.
QUERY_PARAMETERS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


def pg_environment(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme or url!r}")
    # netloc: [user[:password]@][host][:port], each part percent-encoded.
    credentials, _, address = parts.netloc.rpartition("@")
    user, _, password = credentials.partition(":")
    host, port = address, ""
    if address.startswith("["):  # an IPv6 address
        host, _, rest = address[1:].partition("]")
        port = rest.removeprefix(":")
    elif ":" in address:
        host, _, port = address.rpartition(":")
    values = {
        "PGHOST": unquote(host),
        "PGPORT": port,
        "PGUSER": unquote(user),
        "PGPASSWORD": unquote(password),
        "PGDATABASE": unquote(parts.path.lstrip("/")),
    }
    for name, value in parse_qsl(parts.query):
        if name in QUERY_PARAMETERS:
            values[QUERY_PARAMETERS[name]] = value
    if not values["PGDATABASE"]:
        raise ValueError("DATABASE_URL names no database")
    return {name: value for name, value in values.items() if value}


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        print("pgenv: DATABASE_URL is not set", file=sys.stderr)
        return 1
    try:
        environment = pg_environment(url)
    except ValueError as error:
        print(f"pgenv: {error}", file=sys.stderr)
        return 1
    # Variables the URL does not set must not come from the caller's environment either.
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE"):
        if name not in environment:
            print(f"unset {name}")
    for name, value in environment.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
