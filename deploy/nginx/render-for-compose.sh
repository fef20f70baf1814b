#!/bin/sh
# Renders deploy/nginx/casework.conf for the nginx container of deploy/compose.yaml, which runs
# this file from /docker-entrypoint.d/ before nginx starts: one site file for both set-ups.
#
# The container's differences: the host name (CASEWORK_SERVER_NAME), the application at
# web:8000, logs to the container's output, and nginx >= 1.25.1's "http2 on" in place of
# "listen ... http2". The paths can be changed for a test (CASEWORK_NGINX_SOURCE, _OUTPUT).
set -eu

source_file="${CASEWORK_NGINX_SOURCE:-/etc/nginx/casework.conf.in}"
output_file="${CASEWORK_NGINX_OUTPUT:-/etc/nginx/conf.d/casework.conf}"
upstream="${CASEWORK_UPSTREAM:-web:8000}"
name="${CASEWORK_SERVER_NAME:-}"

case "$name" in
  "" | *[!A-Za-z0-9.-]* | .* | *.)
    echo "render-for-compose: CASEWORK_SERVER_NAME must be a host name, not '$name'" >&2
    exit 1
    ;;
esac

# The official image sets NGINX_VERSION; elsewhere ask nginx.
version="${NGINX_VERSION:-$(nginx -v 2>&1 | sed 's#.*/##')}"
new_http2=$(echo "$version" | awk -F. '{ print ($1 * 10000 + $2 * 100 + $3 >= 12501) ? "yes" : "no" }')

sed -e "s/casework\.example\.org/$name/g" \
    -e "s/server 127\.0\.0\.1:8000;/server $upstream;/" \
    -e "s#/var/log/nginx/casework/access\.log#/dev/stdout#g" \
    -e "s#/var/log/nginx/casework/error\.log#/dev/stderr#g" \
    "$source_file" > "$output_file.tmp"

# Without IPv6 in the container (as the official image's own script checks), listen on IPv4.
if [ ! -f /proc/net/if_inet6 ]; then
  sed -i -e '/listen \[::\]:/d' "$output_file.tmp"
fi
if [ "$new_http2" = yes ]; then
  sed -i -e 's/ ssl http2/ ssl/' "$output_file.tmp"
  printf 'http2 on;\n' >> "$output_file.tmp"
fi

# The container's health check (compose.yaml) asks this loopback-only listener.
cat >> "$output_file.tmp" <<'CONF'
server {
    listen 127.0.0.1:8081;
    access_log off;
    location = /nginx-health {
        return 200 "ok\n";
    }
}
CONF
mv "$output_file.tmp" "$output_file"
echo "render-for-compose: $output_file for $name, application at $upstream"
