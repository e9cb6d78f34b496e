#!/usr/bin/env bash
# Creates the local development secrets once, in a git-ignored folder, and prints `export`
# lines for them. The app itself never generates keys: in Azure they come from Key Vault.
#   eval "$(scripts/local-secrets.sh .data/keys)"
set -euo pipefail
dir=${1:?key dir}
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
[ -f "$dir/jwt-signing-key.pem" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/jwt-signing-key.pem" 2>/dev/null
# The vote-hash secret must never change while polls are open: created once, kept.
[ -f "$dir/vote-hash-secret" ] || openssl rand -base64 48 | tr -d '\n' >"$dir/vote-hash-secret"
[ -f "$dir/device-id-pepper" ] || openssl rand -base64 48 | tr -d '\n' >"$dir/device-id-pepper"
printf "export Auth__SigningKeyPem='%s'\n" "$(cat "$dir/jwt-signing-key.pem")"
printf "export Voting__HashSecret='%s'\n" "$(cat "$dir/vote-hash-secret")"
printf "export Auth__DeviceIdPepper='%s'\n" "$(cat "$dir/device-id-pepper")"
# DevHost's stand-in for the host's master key: its admin API (POST /admin/functions/{name}) wants it.
[ -f "$dir/master-key" ] || openssl rand -hex 32 | tr -d '\n' >"$dir/master-key"
printf "export DevHost__MasterKey='%s'\n" "$(cat "$dir/master-key")"
# ...and for its function keys: functions of AuthorizationLevel.Function (/health/detailed) want it.
[ -f "$dir/function-key" ] || openssl rand -hex 32 | tr -d '\n' >"$dir/function-key"
printf "export DevHost__FunctionKey='%s'\n" "$(cat "$dir/function-key")"
