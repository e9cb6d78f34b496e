#!/usr/bin/env bash
# Installs the Debian packages Circly's run and test commands need, when they are missing:
# the PostgreSQL server binaries (and pgbench), and Chromium for the browser tests.
#   scripts/system-deps.sh [postgres] [chromium]
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(postgres)

missing=()
for dep in "${wanted[@]}"; do
  case "$dep" in
    postgres) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql postgresql-contrib) ;;
    chromium) command -v chromium >/dev/null || missing+=(chromium) ;;
    *) echo "system-deps.sh: unknown dependency $dep" >&2; exit 2 ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing ${missing[*]} from apt..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
# Debian starts a system cluster on install; Circly runs its own.
if command -v pg_lsclusters >/dev/null; then
  pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | while read -r version name; do pg_ctlcluster "$version" "$name" stop 2>/dev/null || true; done
fi
