#!/usr/bin/env bash
# Waits until something listens on 127.0.0.1:PORT (or TIMEOUT seconds pass).
#   scripts/wait-port.sh PORT [TIMEOUT] [NAME]
set -euo pipefail
port=${1:?port}; timeout=${2:-60}; name=${3:-port $port}
deadline=$((SECONDS + timeout))
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  if [ $SECONDS -ge $deadline ]; then echo "$name did not come up on 127.0.0.1:$port within ${timeout}s" >&2; exit 1; fi
  sleep 0.2
done
