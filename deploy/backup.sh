#!/usr/bin/env bash
# Casework's backup: one pg_dump of DATABASE_URL in PostgreSQL's custom format, checked readable
# with pg_restore --list, optionally encrypted with GnuPG, and only the last BACKUP_KEEP kept.
#
#   DATABASE_URL=postgres:///casework BACKUP_DIR=/var/backups/casework deploy/backup.sh
#
# Environment (casework-backup.service reads /etc/casework/casework.env):
#   DATABASE_URL          the database to back up, as the application has it; without it,
#                         libpq's PG* variables (PGHOST, PGUSER, PGPASSWORD, PGDATABASE) are used
#   BACKUP_DIR            where backups go (default /var/backups/casework; made with mode 0700)
#   BACKUP_KEEP           how many backups of this database to keep (default 14)
#   BACKUP_GPG_RECIPIENT  if set, each backup is encrypted to this public key (give its
#                         fingerprint) and only the .dump.gpg file is kept. The key must have
#                         an encryption subkey (tried before the dump). Its private half
#                         belongs OFF this server, with the people who may restore.
#
# Files are named <database>-<UTC time>.dump[.gpg] and readable by their owner only. The last
# line printed is the path of the new backup.
set -euo pipefail
umask 077

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
backup_dir="${BACKUP_DIR:-/var/backups/casework}"
keep="${BACKUP_KEEP:-14}"
recipient="${BACKUP_GPG_RECIPIENT:-}"

die() {
  echo "backup: $*" >&2
  exit 1
}

[[ "$keep" =~ ^[1-9][0-9]*$ ]] || die "BACKUP_KEEP must be a whole number from 1, not '$keep'"
[[ -n "${DATABASE_URL:-}${PGDATABASE:-}" ]] || die "neither DATABASE_URL nor PGDATABASE is set"
for tool in pg_dump pg_restore; do
  command -v "$tool" >/dev/null || die "$tool is not installed (apt-get install postgresql-client)"
done
if [[ -n "$recipient" ]]; then
  command -v gpg >/dev/null || die "BACKUP_GPG_RECIPIENT is set but gpg is not installed"
  gpg --batch --list-keys "$recipient" >/dev/null 2>&1 ||
    die "no public key for BACKUP_GPG_RECIPIENT=$recipient (import it as this user: gpg --import)"
  # A key that can only sign (gpg --quick-gen-key NAME ed25519 ...) fails here, not after the
  # dump. --no-auto-key-locate: the key is this keyring's, never one looked up on the network.
  echo | gpg --batch --quiet --no-auto-key-locate --trust-model always --recipient "$recipient" \
    --encrypt >/dev/null ||
    die "cannot encrypt to BACKUP_GPG_RECIPIENT=$recipient: the key needs an encryption subkey," \
      "not expired or revoked (deploy/README.md, Backups); nothing backed up"
fi

# PG* variables from the URL: the password stays out of every command line.
if [[ -n "${DATABASE_URL:-}" ]]; then
  command -v python3 >/dev/null || die "python3 is needed to read DATABASE_URL"
  pg_environment="$(python3 "$here/pgenv.py")" || die "cannot use DATABASE_URL"
  eval "$pg_environment"
fi

mkdir -p "$backup_dir"  # mode 0700, by the umask
[[ -w "$backup_dir" ]] || die "cannot write to $backup_dir"

# Milliseconds keep two backups in one second apart; the names sort in time order.
stamp="$(date -u +%Y-%m-%dT%H%M%S.%3NZ)"
final="$backup_dir/$PGDATABASE-$stamp.dump"
partial="$final.partial"
# A failed run leaves no half-written file that could later pass for a backup.
trap 'rm -f -- "$partial" "$partial.gpg"' EXIT

pg_dump --no-password --format=custom --file="$partial"
contents="$(pg_restore --list "$partial")" || die "the new dump cannot be read back; nothing kept"
[[ "$contents" == *" TABLE DATA "* ]] ||
  die "the new dump holds no table data: is DATABASE_URL the right database?"

if [[ -n "$recipient" ]]; then
  gpg --batch --yes --quiet --no-auto-key-locate --trust-model always --recipient "$recipient" \
    --output "$partial.gpg" --encrypt "$partial"
  rm -f -- "$partial"
  final="$final.gpg"
  mv -- "$partial.gpg" "$final"
else
  mv -- "$partial" "$final"
fi
chmod 600 "$final"

# Keep the newest BACKUP_KEEP of this database's backups, encrypted or not.
shopt -s nullglob
mapfile -t backups < <(
  printf '%s\n' "$backup_dir/$PGDATABASE"-[0-9][0-9][0-9][0-9]-*.dump \
    "$backup_dir/$PGDATABASE"-[0-9][0-9][0-9][0-9]-*.dump.gpg | sed '/^$/d' | sort
)
if ((${#backups[@]} > keep)); then
  for old in "${backups[@]:0:${#backups[@]}-keep}"; do
    rm -f -- "$old"
    echo "backup: removed $old (keeping $keep)"
  done
fi

echo "backup: $PGDATABASE saved, $(stat -c %s "$final") bytes"
echo "$final"
