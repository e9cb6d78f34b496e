#!/usr/bin/env bash
# A private PostgreSQL cluster from the machine's binaries.
#   scripts/postgres.sh start DATA_DIR PORT [DATABASE]   initdb on first use, start, create Circly's
#       two roles (circly_owner, circly_app), create DATABASE owned by circly_owner
#   scripts/postgres.sh stop DATA_DIR
# initdb refuses to run as root, so as root the cluster runs as the 'postgres' system user.
# Listens on 127.0.0.1 only, trust auth (a local development cluster). Extra server options: PG_EXTRA_OPTS.
# DATABASE 'postgres' (the test fixtures' choice) only gets the roles; any other database is handed
# to circly_owner, also when it was created before the roles existed.
set -euo pipefail

bin_dir() {
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || { echo "postgres.sh: no PostgreSQL server binaries found (apt-get install postgresql)" >&2; exit 1; }
  echo "$dir"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: postgres.sh start|stop DATA_DIR [PORT] [DATABASE]}
data=$(realpath -m "${2:?data dir}")
roles_dir="$(cd "$(dirname "$0")/.." && pwd)/Circly.Core/Database/Roles"
bin=$(bin_dir)

case "$cmd" in
  start)
    port=${3:?port}
    database=${4:-circly}
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data" && chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c max_connections=200 ${PG_EXTRA_OPTS:-}" >/dev/null
    fi
    psql=("$bin/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1)
    "${psql[@]}" -d postgres -f "$roles_dir/create-roles.sql"
    if [ "$database" != postgres ]; then
      if ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
        "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres -O circly_owner "$database"
      fi
      "${psql[@]}" -d "$database" -f "$roles_dir/adopt-database.sql"
    fi
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
  *) echo "usage: postgres.sh start|stop DATA_DIR [PORT] [DATABASE]" >&2; exit 2 ;;
esac
