#!/usr/bin/env bash
# Runs Azurite (Blob, Queue, Table) in the foreground on 127.0.0.1.
#   scripts/azurite.sh DATA_DIR BLOB_PORT QUEUE_PORT TABLE_PORT
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data=${1:?data dir}; blob=${2:?blob port}; queue=${3:?queue port}; table=${4:?table port}
mkdir -p "$data"
exec "$root/node_modules/.bin/azurite" --silent --skipApiVersionCheck --loose --disableProductStyleUrl \
  --location "$data" \
  --blobHost 127.0.0.1 --blobPort "$blob" \
  --queueHost 127.0.0.1 --queuePort "$queue" \
  --tableHost 127.0.0.1 --tablePort "$table"
