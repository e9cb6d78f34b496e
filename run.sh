#!/usr/bin/env bash
# Starts Circly locally with everything it needs: PostgreSQL, Azurite, migrations and seed data,
# and the API on http://127.0.0.1:$CIRCLY_API_PORT (Core Tools' `func start` when installed,
# else Circly.DevHost). Ctrl-C or SIGTERM stops everything it started; data stays in .data/.
#
# Environment (all optional):
#   CIRCLY_API_PORT=7071  CIRCLY_PG_PORT=54320
#   CIRCLY_AZURITE_BLOB_PORT=10000  CIRCLY_AZURITE_QUEUE_PORT=10001  CIRCLY_AZURITE_TABLE_PORT=10002
#   CIRCLY_DATA_DIR=.data            where the database cluster and Azurite keep their data
#   CIRCLY_DATABASE_CONNECTION=...   use this PostgreSQL instead of starting one: the app's login (circly_app) ...
#   CIRCLY_DATABASE_MIGRATION_CONNECTION=...   ... and the migrator's (circly_owner); see docs/DEPLOY.md
#   CIRCLY_USE_DEVHOST=1             use DevHost even when `func` is installed
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

api_port=${CIRCLY_API_PORT:-7071}
pg_port=${CIRCLY_PG_PORT:-54320}
blob_port=${CIRCLY_AZURITE_BLOB_PORT:-10000}
queue_port=${CIRCLY_AZURITE_QUEUE_PORT:-10001}
table_port=${CIRCLY_AZURITE_TABLE_PORT:-10002}
data_dir=$(realpath -m "${CIRCLY_DATA_DIR:-.data}")
mkdir -p "$data_dir"

children=()
started_postgres=""
stopping=""
stop_all() {
  [ -n "$stopping" ] && return
  stopping=1
  echo "Stopping Circly..." >&2
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  # Azurite sometimes lingers after SIGTERM: give everyone 10 s, then force.
  for _ in $(seq 1 50); do
    alive=""
    for pid in "${children[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && break
    sleep 0.2
  done
  for pid in "${children[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$started_postgres" ] && scripts/postgres.sh stop "$data_dir/postgres" || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

scripts/dev-tools.sh

if [ -n "${CIRCLY_DATABASE_CONNECTION:-}" ]; then
  database=$CIRCLY_DATABASE_CONNECTION
  migration_database=${CIRCLY_DATABASE_MIGRATION_CONNECTION:?CIRCLY_DATABASE_CONNECTION needs CIRCLY_DATABASE_MIGRATION_CONNECTION too (the migrator acts as circly_owner)}
else
  scripts/system-deps.sh postgres
  echo "Starting PostgreSQL on 127.0.0.1:$pg_port (data in $data_dir/postgres)..." >&2
  scripts/postgres.sh start "$data_dir/postgres" "$pg_port" circly
  started_postgres=1
  # The API runs as circly_app (rows only); its migrator as circly_owner (scripts/postgres.sh made both).
  database="Host=127.0.0.1;Port=$pg_port;Database=circly;Username=circly_app;Timeout=5"
  migration_database="Host=127.0.0.1;Port=$pg_port;Database=circly;Username=circly_owner;Timeout=5"
fi

echo "Starting Azurite on 127.0.0.1:$blob_port/$queue_port/$table_port..." >&2
scripts/azurite.sh "$data_dir/azurite" "$blob_port" "$queue_port" "$table_port" </dev/null &
children+=($!)
scripts/wait-port.sh "$queue_port" 60 Azurite
scripts/wait-port.sh "$table_port" 60 Azurite

# Azurite's well-known development account (public, not a secret).
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1"
export Database__ConnectionString="$database" Database__MigrationConnectionString="$migration_database"
eval "$(scripts/local-secrets.sh "$data_dir/keys")"

# Every other setting comes from the local settings file, the one the Functions host reads.
settings=Circly.Functions/local.settings.json
[ -f "$settings" ] || cp local.settings.sample.json "$settings"
eval "$(node scripts/settings-env.mjs "$settings")"

if command -v func >/dev/null && [ -z "${CIRCLY_USE_DEVHOST:-}" ]; then
  echo "Starting the API under Azure Functions Core Tools on http://127.0.0.1:$api_port ..." >&2
  (cd Circly.Functions && exec func start --port "$api_port") </dev/null &
  children+=($!)
else
  echo "Building Circly.DevHost..." >&2
  dotnet build Circly.DevHost -c Release --nologo -v quiet -clp:ErrorsOnly >&2
  echo "Starting the API under Circly.DevHost on http://127.0.0.1:$api_port ..." >&2
  ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development} \
    dotnet Circly.DevHost/bin/Release/net10.0/Circly.DevHost.dll --urls "http://127.0.0.1:$api_port" </dev/null &
  children+=($!)
fi
api_pid=${children[-1]}

scripts/wait-port.sh "$api_port" 120 "The API"
echo "Circly is up: http://127.0.0.1:$api_port/health  (Ctrl-C stops it)" >&2
wait "$api_pid"
