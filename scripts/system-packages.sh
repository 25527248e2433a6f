#!/usr/bin/env bash
# The Debian packages the tests need, in one list: `pnpm test:all` and .ci/run both call this first.
# Installs what is missing when run as root on Debian; anywhere else stops at once with the exact
# install line, so no test ever meets a missing package (none is skipped for one).
#
#   chromium                  the end-to-end tests' browser at /usr/bin/chromium (Playwright cannot download
#                             its own here)
#   prometheus-node-exporter  the real node_exporter the agent's Prometheus scrape is tested against
#   redis-server              the Redis the demo shop's cache is tested with
#   kubernetes-client         kubectl 1.20, whose kustomize 2.0 deploy/kubernetes' overlays are written for,
#                             to render them (tests/deploy)
#   systemd                   systemd-analyze, to verify deploy/systemd's units (tests/deploy); already on
#                             most Debian machines
#   postgresql                PostgreSQL 15's initdb/pg_ctl/postgres: the server's config store is tested on
#                             it as well as on SQLite (each test starts its own in a temp directory)
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/prometheus-node-exporter ] || missing+=(prometheus-node-exporter)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql)

[ "${#missing[@]}" -eq 0 ] && exit 0

install=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-packages: installing from Debian: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  "${install[@]}" -qq >/dev/null
  # The packages start their daemons as services where systemd runs; the tests start their own.
  systemctl stop prometheus-node-exporter redis-server postgresql >/dev/null 2>&1 || true
  exit 0
fi

echo "system-packages: the tests need ${missing[*]}, which this machine lacks. On Debian, as root:" >&2
echo "  apt-get update && ${install[*]}" >&2
exit 1
