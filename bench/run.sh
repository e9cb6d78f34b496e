#!/usr/bin/env bash
# Circly benchmarks (issue 8). Starts its own stack (PostgreSQL, Azurite, the API under
# Circly.DevHost) on its own ports with its own data in bench/.work/, loads data, runs the
# scenarios, prints the table and writes it to bench/results/<date>-<commit>.md.
#
#   ./bench/run.sh                 every scenario (growth votes limit mixed results fanout closing)
#   ./bench/run.sh votes limit     only these scenarios (the base data is always loaded)
#   ./bench/run.sh ratelimit       the rate-limit counter cost (PostgreSQL vs Table Storage)
#   ./bench/run.sh inbox           the fan-out's inbox write for 10,000 recipients (PostgreSQL vs Table Storage)
#   ./bench/run.sh cleanup         the daily cleanup on ~1.65 million expired rows vs plain DELETEs
#   ./bench/run.sh sharecards      share cards: drawing one, and the answer drawn vs reused
#   ./bench/run.sh analytics       the analytics store: PostgreSQL partitioned by month vs Table Storage
#   ./bench/run.sh faults          faults under load (issue 17): PostgreSQL, Azurite, the API killed, Expo
#                                  misbehaving, a slow database; its own stack (ports below + 100), a few minutes
#   ./bench/run.sh faults 2 4      only these fault scenarios
#   BENCH_QUICK=1 ./bench/run.sh   small data, short runs (for development; results go to bench/.work/)
#
# Environment (optional): BENCH_API_PORT=7181 BENCH_PG_PORT=54381 BENCH_AZURITE_PORT=10181 (blob; queue +1, table +2)
#   BENCH_KEEP_DATA=1  keep the database of the previous run instead of starting from an empty one
#   BENCH_PROFILE=1    load pg_stat_statements and print the top statements at the end
#   BENCH_FANOUT_SIZES=10000,100000  recipients per fan-out run (the default; quick: 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/bench/.work"
mkdir -p "$work" bench/results

api_port=${BENCH_API_PORT:-7181}
pg_port=${BENCH_PG_PORT:-54381}
blob_port=${BENCH_AZURITE_PORT:-10181}
queue_port=$((blob_port + 1))
table_port=$((blob_port + 2))
pg_data="$work/postgres"
database=circly_bench
connection="Host=127.0.0.1;Port=$pg_port;Database=$database;Username=postgres;Timeout=15;Command Timeout=600"

children=()
started_postgres=""
stopping=""
stop_all() {
  [ -n "$stopping" ] && return
  stopping=1
  echo "Stopping the benchmark stack..." >&2
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$started_postgres" ] && scripts/postgres.sh stop "$pg_data" || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$pg_bin/pgbench" ] || { echo "pgbench not found under /usr/lib/postgresql/*/bin" >&2; exit 1; }

scripts/dev-tools.sh
echo "Building Circly.DevHost and Circly.Bench (Release)..." >&2
dotnet build Circly.DevHost -c Release --nologo -v quiet -clp:ErrorsOnly >&2
dotnet build bench/Circly.Bench -c Release --nologo -v quiet -clp:ErrorsOnly >&2
bench_dll="$root/bench/Circly.Bench/bin/Release/net10.0/Circly.Bench.dll"

if [ "${1:-}" = faults ]; then
  shift
  # Its own stack, which the scenarios kill and start again: PostgreSQL, Azurite, the API, the Expo
  # test server, on the bench's ports + 100. Circly.Bench starts and stops them itself (by process id).
  f_api=$((api_port + 100)); f_pg=$((pg_port + 100)); f_blob=$((blob_port + 100))
  account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
  f_storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$f_blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$((f_blob + 1))/devstoreaccount1;TableEndpoint=http://127.0.0.1:$((f_blob + 2))/devstoreaccount1"
  commit=$(git rev-parse --short HEAD)
  [ -n "$(git status --porcelain -- . ':!bench/results' 2>/dev/null)" ] && commit="$commit-dirty"
  date=$(date -u +%Y-%m-%d)
  results="bench/results/faults-$date-$commit.md"
  os=$(. /etc/os-release && echo "$PRETTY_NAME")
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
  machine="Machine: $(nproc) cores ($cpu), $mem memory, $os, kernel $(uname -r), .NET $(dotnet --version); load average when it started: $(cut -d' ' -f1-3 /proc/loadavg)."
  # The app's settings as for the other scenarios; Circly.Bench adds the database, storage and Expo.
  export RateLimit__UserPerMinute=1000000000 RateLimit__IpPerMinute=1000000000 RateLimit__RegistrationsPerIpPerHour=1000000000
  export RateLimit__JoinAttemptsPerUserPerHour=1000000000 RateLimit__JoinAttemptsPerIpPerHour=1000000000
  export Auth__AccessTokenLifetime=12:00:00
  export Auth__Issuer="http://127.0.0.1:$f_api" App__PublicBaseUrl="http://127.0.0.1:$f_api"
  eval "$(scripts/local-secrets.sh "$work/keys")"
  eval "$(node scripts/settings-env.mjs local.settings.sample.json)"
  FAULTS_ROOT="$root" FAULTS_WORK="$work" FAULTS_API_PORT=$f_api FAULTS_PG_PORT=$f_pg FAULTS_AZURITE_PORT=$f_blob \
  FAULTS_EXPO_PORT=$((f_api + 1)) FAULTS_STORAGE="$f_storage" FAULTS_DEVHOST_DLL="$root/Circly.DevHost/bin/Release/net10.0/Circly.DevHost.dll" \
  BENCH_RESULTS="$results" BENCH_MACHINE="$machine" BENCH_COMMIT="$commit" BENCH_COMMAND="./bench/run.sh faults${*:+ $*}" \
    dotnet "$bench_dll" faults "$@" </dev/null &
  faults_pid=$!
  children+=("$faults_pid")
  status=0
  wait "$faults_pid" || status=$?
  unset 'children[-1]'
  # Should the tool itself have been killed: its PostgreSQL is a daemon, stop it here too.
  scripts/postgres.sh stop "$work/faults-postgres" || true
  exit "$status"
fi

pg_opts="-c shared_buffers=256MB"
[ -n "${BENCH_PROFILE:-}" ] && pg_opts="$pg_opts -c shared_preload_libraries=pg_stat_statements"
echo "Starting PostgreSQL on 127.0.0.1:$pg_port (data in $pg_data)..." >&2
scripts/postgres.sh stop "$pg_data" # a previous run's settings may differ
PG_EXTRA_OPTS="$pg_opts" scripts/postgres.sh start "$pg_data" "$pg_port" postgres
started_postgres=1
psql=("$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q)
if [ -z "${BENCH_KEEP_DATA:-}" ] || ! "${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
  echo "Creating an empty database $database..." >&2
  "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $database" -c "CREATE DATABASE $database OWNER circly_owner"
fi
# A kept database from before the roles: hand it to circly_owner (idempotent).
"${psql[@]}" -d "$database" -f Circly.Core/Database/Roles/adopt-database.sql
[ -n "${BENCH_PROFILE:-}" ] && "${psql[@]}" -d "$database" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"

echo "Starting Azurite on 127.0.0.1:$blob_port/$queue_port/$table_port..." >&2
rm -rf "$work/azurite"
scripts/azurite.sh "$work/azurite" "$blob_port" "$queue_port" "$table_port" </dev/null &
children+=($!)
azurite_pid=$!
scripts/wait-port.sh "$queue_port" 60 Azurite
scripts/wait-port.sh "$table_port" 60 Azurite
account_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$account_key;BlobEndpoint=http://127.0.0.1:$blob_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1"

# The machine and the commit, for the results file.
commit=$(git rev-parse --short HEAD)
[ -n "$(git status --porcelain -- . ':!bench/results' 2>/dev/null)" ] && commit="$commit-dirty"
pg_version=$("${psql[@]}" -d postgres -tAc "SHOW server_version")
os=$(. /etc/os-release && echo "$PRETTY_NAME")
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
machine="Machine: $(nproc) cores ($cpu), $mem memory, $os, kernel $(uname -r), PostgreSQL $pg_version (shared_buffers 256MB, fsync on), .NET $(dotnet --version)."
date=$(date -u +%Y-%m-%d)

# Where a one-measurement run (ratelimit, sharecards, analytics, cleanup) writes: bench/results/,
# or the work folder for a quick run, which is not kept.
result_file() {
  if [ -n "${BENCH_QUICK:-}" ]; then echo "$work/$1-$date-$commit.md"; else echo "bench/results/$1-$date-$commit.md"; fi
}

# write_result <file> <title> <table>: the title, when, at which commit and on what machine, the
# lines read from stdin that say how it was measured, then the table.
write_result() {
  { echo "# $2"; echo; echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC at commit $commit. $machine"; echo
    cat; echo
    echo "$3"; } >"$1"
  echo "Written to $1" >&2
}

if [ "${1:-}" = ratelimit ]; then
  out=$(result_file ratelimit-cost)
  hits=$([ -n "${BENCH_QUICK:-}" ] && echo 500 || echo 2000)
  echo "Measuring the rate-limit counter ($hits hits per row)..." >&2
  "${psql[@]}" -d "$database" -c "CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_counters (bucket text NOT NULL, window_start timestamptz NOT NULL, hits integer NOT NULL CHECK (hits > 0), PRIMARY KEY (bucket, window_start))"
  table=$(dotnet "$bench_dll" ratelimit-cost "$connection" "$storage" "$hits")
  echo "$table"
  echo "Command: \`./bench/run.sh ratelimit\` ($hits hits after 50 warm-up hits; one key, so concurrent callers contend on one counter)." |
    write_result "$out" "Rate-limit counter: cost per request" "$table"
  exit 0
fi

if [ "${1:-}" = sharecards ]; then
  out=$(result_file sharecards)
  renders=$([ -n "${BENCH_QUICK:-}" ] && echo 40 || echo 300)
  answers=$([ -n "${BENCH_QUICK:-}" ] && echo 100 || echo 1000)
  echo "Measuring share cards ($renders renders per row, $answers reused answers)..." >&2
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  table=$(dotnet "$bench_dll" sharecard-cost "$connection" "$storage" "$renders" "$answers")
  echo "$table"
  {
    echo "Command: \`./bench/run.sh sharecards\` (one process, one request at a time; renders after 10 warm-up renders; answers through ShareCardService against this PostgreSQL and Azurite, without HTTP)."
    echo "The last column divides each row's p50 by its baseline's p50, both measured in this run: a card by the same-size background encoded with no text, a drawn answer by a reused one."
    echo "Load average (1, 5, 15 min) when it started: $load (the machine is shared; CPU ms each is the process's CPU time per card, less sensitive to that)."
  } | write_result "$out" "Share cards: drawing time and answer time" "$table"
  exit 0
fi

# The app's settings, with the limits lifted for the load and the timers off (the bench runs them).
export AzureWebJobsStorage="$storage"
# The API runs as the app role and migrates as the owner, as everywhere (the loader writes as postgres).
export Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Database=$database;Username=circly_app;Timeout=15;Max Auto Prepare=32;No Reset On Close=true"
export Database__MigrationConnectionString="Host=127.0.0.1;Port=$pg_port;Database=$database;Username=circly_owner;Timeout=15"
export RateLimit__UserPerMinute=1000000000 RateLimit__IpPerMinute=1000000000 RateLimit__RegistrationsPerIpPerHour=1000000000
export RateLimit__JoinAttemptsPerUserPerHour=1000000000 RateLimit__JoinAttemptsPerIpPerHour=1000000000
export Auth__AccessTokenLifetime=12:00:00 DevHost__RunTimers=false
export Auth__Issuer="http://127.0.0.1:$api_port" App__PublicBaseUrl="http://127.0.0.1:$api_port"
export Expo__BaseUrl="http://127.0.0.1:$((api_port + 1))"
eval "$(scripts/local-secrets.sh "$work/keys")"
eval "$(node scripts/settings-env.mjs local.settings.sample.json)"

start_api() { # $1 = Expo__MaxPerSecond
  echo "Starting the API under Circly.DevHost on http://127.0.0.1:$api_port (Expo__MaxPerSecond=$1)..." >&2
  Expo__MaxPerSecond=$1 ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet Circly.DevHost/bin/Release/net10.0/Circly.DevHost.dll --urls "http://127.0.0.1:$api_port" </dev/null >>"$work/api.log" 2>&1 &
  children+=($!)
  api_pid=$!
  scripts/wait-port.sh "$api_port" 120 "The API"
}
stop_api() {
  kill "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
  unset 'children[-1]'
}
run_bench() {
  BENCH_PG_PID=$(head -n 1 "$pg_data/postmaster.pid") BENCH_AZURITE_PID="$azurite_pid" BENCH_PG="$connection" BENCH_API_URL="http://127.0.0.1:$api_port" BENCH_API_PID="$api_pid" BENCH_PGBENCH="$pg_bin/pgbench" \
  BENCH_STORAGE="$storage" BENCH_EXPO_PORT=$((api_port + 1)) BENCH_RESULTS="$results" BENCH_MACHINE="$machine" BENCH_COMMIT="$commit" \
  BENCH_COMMAND="${BENCH_QUICK:+BENCH_QUICK=1 }./bench/run.sh $*" \
    dotnet "$bench_dll" run "$@" </dev/null &
  # In the background and waited for: bash runs a trap only after a foreground child ends, so
  # a SIGTERM used to wait for the whole load run. `wait` returns at once and stop_all kills it.
  local bench_pid=$!
  children+=("$bench_pid")
  wait "$bench_pid"
  unset 'children[-1]'
}

if [ "${1:-}" = analytics ]; then
  out=$(result_file analytics-store)
  recorded=$([ -n "${BENCH_QUICK:-}" ] && echo 1000 || echo 10000)
  per_day=$([ -n "${BENCH_QUICK:-}" ] && echo 2000 || echo 20000)
  : >"$work/api.log"
  start_api 0 # migrates the database
  echo "Measuring the analytics store: $recorded events recorded one by one, a week of $per_day events a day..." >&2
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  table=$(dotnet "$bench_dll" analytics-store "$connection" "$storage" "$recorded" "$per_day")
  echo "$table"
  {
    echo "Command: \`./bench/run.sh analytics\` ($recorded events recorded one per call, 16 at a time, 60% votes; then a week of $per_day events a day loaded into both stores, the week's last day aggregated, the week deleted; bench/README.md, \"Analytics store\"). Both stores in the same run, on the bench's own PostgreSQL and Azurite."
    echo "Load average (1, 5, 15 min) when it started: $load (the machine is shared)."
  } | write_result "$out" "Analytics store: PostgreSQL partitioned by month vs Table Storage" "$table"
  exit 0
fi

if [ "${1:-}" = cleanup ]; then
  out=$(result_file cleanup-cost)
  rows=$([ -n "${BENCH_QUICK:-}" ] && echo 100000 || echo 1000000)
  : >"$work/api.log"
  start_api 0
  echo "Measuring the cleanup on $rows outbox events and the rest (two rounds)..." >&2
  table=$(dotnet "$bench_dll" cleanup-cost "$connection" "http://127.0.0.1:$api_port" "$rows" 2)
  echo "$table"
  echo "Command: \`./bench/run.sh cleanup\` ($rows dispatched outbox events past retention and the rest of the backlog described in bench/README.md, \"Cleanup\"; per round the same data is loaded twice, then deleted once by one plain DELETE per kind and once by the Cleanup function through \`POST /admin/functions/Cleanup\`)." |
    write_result "$out" "Cleanup: cost on a large backlog" "$table"
  exit 0
fi

results="bench/results/$date-$commit.md"
[ -n "${BENCH_QUICK:-}" ] && results="$work/quick-$date-$commit.md"
: >"$work/api.log"
start_api 0
run_bench "$@"

# Fan-out with Expo's pacing on needs the API started with Expo__MaxPerSecond=600.
if [ $# = 0 ] || [[ " $* " == *" fanout "* ]]; then
  stop_api
  start_api 600
  Expo__MaxPerSecond=600 BENCH_APPEND=1 BENCH_APPEND_TITLE="Fan-out with Expo pacing on (API restarted with Expo__MaxPerSecond=600)" \
    run_bench fanout-paced
fi

if [ -n "${BENCH_PROFILE:-}" ]; then
  "${psql[@]}" -d "$database" -c "SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15"
fi
