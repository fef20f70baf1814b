#!/usr/bin/env bash
# Runs a Casework management command the way the services run: as the casework user, in
# /opt/casework, with /etc/casework/casework.env read by systemd itself (the same parser as the
# units', so a value with spaces or quotes means the same thing everywhere).
#
#   sudo /opt/casework/deploy/manage.sh migrate
#   sudo /opt/casework/deploy/manage.sh createsuperuser
#   sudo /opt/casework/deploy/manage.sh check --deploy --fail-level WARNING
set -euo pipefail

root="${CASEWORK_ROOT:-/opt/casework}"
env_file="${CASEWORK_ENV_FILE:-/etc/casework/casework.env}"

if ((EUID != 0)); then
  echo "manage.sh: run it with sudo (it switches to the casework user itself)" >&2
  exit 1
fi
[[ -r "$env_file" ]] || {
  echo "manage.sh: $env_file is missing (deploy/README.md, step 6)" >&2
  exit 1
}

# A terminal for interactive commands (createsuperuser, shell); plain pipes for scripts.
if [[ -t 0 && -t 1 ]]; then
  io=--pty
else
  io=--pipe
fi

# UMask 0022: the files collectstatic writes must be readable by nginx (www-data).
exec systemd-run --quiet --wait --collect "$io" \
  --uid=casework --gid=casework \
  --property=EnvironmentFile="$env_file" \
  --property=WorkingDirectory="$root" \
  --property=UMask=0022 \
  "$root/.venv/bin/python" "$root/manage.py" "$@"
