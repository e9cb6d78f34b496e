#!/usr/bin/env bash
# Runs Circly's whole test suite on a fresh clone: installs what is missing, builds, runs every
# test against a real PostgreSQL and Azurite (the fixtures start and stop them on free ports),
# and checks the Bicep templates. Exits non-zero on any failure.
#
#   CIRCLY_TEST_POSTGRES=<admin connection string>   use this server instead of starting one
#   CIRCLY_TEST_STORAGE=<connection string>          use this Azurite instead of starting one
#   ./test.sh --filter-class '*Circles*'             extra arguments go to the test runner
set -euo pipefail
cd "$(dirname "$0")"

scripts/system-deps.sh postgres chromium
scripts/dev-tools.sh

echo "Building..." >&2
dotnet build Circly.sln -c Release --nologo -v quiet -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test --project Circly.Tests -c Release --no-build "$@" 2>&1 | tee "$log" || status=$?

if [ -f scripts/bicep.sh ]; then
  echo "Checking infra/ with bicep build and lint..." >&2
  bash scripts/bicep.sh check || status=$?
fi

passed=$(awk '/succeeded:/ {print $2}' "$log" | tail -n 1)
failed=$(awk '/failed:/ {print $2}' "$log" | tail -n 1)
skipped=$(awk '/skipped:/ {print $2}' "$log" | tail -n 1)
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
