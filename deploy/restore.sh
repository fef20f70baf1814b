#!/usr/bin/env bash
# Restores a backup made by backup.sh into a NAMED database, then prints row counts.
#
#   deploy/restore.sh [--force] [--owner ROLE] BACKUP_FILE TARGET_DATABASE
#
# The server and credentials come from DATABASE_URL, or from libpq's PG* variables without it;
# their database name is not used: the script connects to the "postgres" maintenance database
# to create TARGET_DATABASE. The role needs CREATEDB, so on the Debian install run it as the
# postgres system user:
#
#   sudo -u postgres env DATABASE_URL=postgres:///postgres \
#       /opt/casework/deploy/restore.sh --owner casework FILE casework_restored
#
# A target that exists and holds tables is refused unless --force is given; --force drops it
# first (stop Casework's services before, or the drop fails on their open connections).
# --owner makes ROLE own the database and everything restored, as the application needs.
# A .gpg file is decrypted first, with the private key of the user running the script: on the
# server there is none, rightly, so decrypt it on the key holder's computer (deploy/README.md).
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The tables whose row counts are printed after a restore, when they exist.
COUNTED_TABLES=(casework_centre casework_user clients_client clients_case counselling_session
  counselling_goal referrals_partner referrals_referral reminders_reminder casework_accesslog)

die() {
  echo "restore: $*" >&2
  exit 1
}
usage() {
  echo "usage: $0 [--force] [--owner ROLE] BACKUP_FILE TARGET_DATABASE" >&2
  exit 2
}

force=no
owner=""
while (($#)); do
  case "$1" in
    --force) force=yes ;;
    --owner)
      (($# >= 2)) || usage
      owner="$2"
      shift
      ;;
    -h | --help) usage ;;
    --) shift && break ;;
    -*) usage ;;
    *) break ;;
  esac
  shift
done
(($# == 2)) || usage
backup="$1"
target="$2"
[[ -r "$backup" ]] || die "cannot read $backup"
[[ -n "$target" ]] || usage
[[ -n "${DATABASE_URL:-}${PGDATABASE:-}" ]] || die "neither DATABASE_URL nor PGDATABASE is set"
for tool in pg_restore psql; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install postgresql-client)"
done

if [[ -n "${DATABASE_URL:-}" ]]; then
  command -v python3 >/dev/null || die "python3 is needed to read DATABASE_URL"
  pg_environment="$(python3 "$here/pgenv.py")" || die "cannot use DATABASE_URL"
  eval "$pg_environment"
fi
export PGDATABASE=postgres

work="$(mktemp -d)"
trap 'rm -rf -- "$work"' EXIT
dump="$backup"
if [[ "$backup" == *.gpg ]]; then
  command -v gpg >/dev/null || die "$backup is encrypted but gpg is not installed"
  dump="$work/backup.dump"
  gpg --batch --quiet --output "$dump" --decrypt "$backup" ||
    die "cannot decrypt $backup with this user's keys: decrypt it on the key holder's computer" \
      "and restore the .dump (deploy/README.md, Backups)"
fi
pg_restore --list "$dump" >/dev/null || die "$backup is not a readable pg_dump custom-format file"

# psql's :'name' and :"name" quote values as a literal and as an identifier.
sql() { psql --no-psqlrc --quiet --no-align --tuples-only --set ON_ERROR_STOP=1 "$@"; }

exists="$(sql --set target="$target" <<<"SELECT count(*) FROM pg_database WHERE datname = :'target';")"
if [[ "$exists" == 1 ]]; then
  tables="$(sql --dbname="$target" <<'SQL'
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%';
SQL
  )"
  if ((tables > 0)); then
    [[ "$force" == yes ]] ||
      die "database $target exists and holds $tables relations; choose another name, or --force"
    echo "restore: dropping database $target (--force)"
    sql --set target="$target" <<<'DROP DATABASE :"target";'
    exists=0
  fi
fi
if [[ "$exists" != 1 ]]; then
  if [[ -n "$owner" ]]; then
    sql --set target="$target" --set owner="$owner" \
      <<<'CREATE DATABASE :"target" OWNER :"owner" TEMPLATE template0;'
  else
    sql --set target="$target" <<<'CREATE DATABASE :"target" TEMPLATE template0;'
  fi
  echo "restore: created database $target"
fi

# One transaction: a restore that fails half-way leaves nothing half-restored.
restore_options=(--no-owner --no-acl --exit-on-error --single-transaction --dbname="$target")
[[ -z "$owner" ]] || restore_options+=(--role="$owner")
pg_restore "${restore_options[@]}" "$dump"
sql --dbname="$target" <<<'ANALYZE;'

echo "restore: $backup restored into $target"
printf -v table_list "'%s'," "${COUNTED_TABLES[@]}"
psql --no-psqlrc --quiet --set ON_ERROR_STOP=1 --dbname="$target" <<SQL
SELECT name AS "table",
       (xpath('/row/n/text()',
              query_to_xml(format('SELECT count(*) AS n FROM %I', name), false, true, '')))[1]
         ::text::bigint AS "rows"
FROM unnest(ARRAY[${table_list%,}]) WITH ORDINALITY AS counted(name, position)
WHERE to_regclass(quote_ident(name)) IS NOT NULL
ORDER BY position;
SQL
