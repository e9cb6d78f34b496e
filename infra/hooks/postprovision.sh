#!/bin/sh
# azd postprovision hook (azure.yaml): creates the Key Vault secrets that no template may write,
# when they do not exist yet, then sets up the database roles (infra/hooks/database.sh setup). It NEVER overwrites a secret: the vote-hash secret in particular must
# not change while polls are open (docs/DEPLOY.md, "Secrets"). These are the same commands
# docs/DEPLOY.md gives for deployments without azd; run it by hand with
#   AZURE_KEY_VAULT_NAME=<vault> sh infra/hooks/postprovision.sh
#
# Needs: az (logged in to the same tenant: `az login`), openssl, and the Key Vault Secrets Officer
# role on the vault (main.bicep grants it to principalId, which azd fills in).
set -eu

vault="${AZURE_KEY_VAULT_NAME:-}"
if [ -z "$vault" ]; then
  echo "postprovision: AZURE_KEY_VAULT_NAME is not set (azd sets it from the deployment outputs)." >&2
  exit 1
fi
for tool in az openssl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "postprovision: '$tool' is required (see docs/DEPLOY.md, Prerequisites)." >&2
    exit 1
  fi
done
if ! az account show --output none >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI is not logged in. Run 'az login' (azd and az keep separate logins), then 'azd provision' again." >&2
  exit 1
fi

umask 077
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT INT TERM

# A fresh role assignment takes a few minutes to apply: retry reading the vault meanwhile.
attempt=1
while ! az keyvault secret list --vault-name "$vault" --query "[].name" --output tsv >"$workdir/names" 2>"$workdir/error"; do
  if [ "$attempt" -ge 30 ]; then
    cat "$workdir/error" >&2
    echo "postprovision: cannot list the secrets of Key Vault '$vault'. Does your account have 'Key Vault Secrets Officer' on it?" >&2
    exit 1
  fi
  echo "postprovision: waiting for access to Key Vault '$vault' (role assignments propagate; attempt $attempt/30)..."
  attempt=$((attempt + 1))
  sleep 10
done

exists() {
  grep -qx "$1" "$workdir/names"
}

# set_secret NAME FILE CONTENT_TYPE
set_secret() {
  az keyvault secret set --vault-name "$vault" --name "$1" --file "$2" --content-type "$3" --output none
  echo "postprovision: created secret '$1'."
}

# JWT signing key: RSA 2048, PKCS#8 PEM (RS256).
if exists jwt-signing-key; then
  echo "postprovision: secret 'jwt-signing-key' exists; kept."
else
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$workdir/jwt-signing-key.pem" 2>/dev/null
  set_secret jwt-signing-key "$workdir/jwt-signing-key.pem" application/x-pem-file
fi

# Previous JWT signing key: a single space means "none" (a Key Vault reference needs the secret to exist).
if exists jwt-previous-signing-key; then
  echo "postprovision: secret 'jwt-previous-signing-key' exists; kept."
else
  printf ' ' >"$workdir/none"
  set_secret jwt-previous-signing-key "$workdir/none" text/plain
fi

# Random 48-byte secrets, base64: HMAC key for vote participation hashes, pepper for device-id hashes.
for name in vote-hash-secret device-id-pepper; do
  if exists "$name"; then
    echo "postprovision: secret '$name' exists; kept."
  else
    openssl rand -base64 48 | tr -d '\n' >"$workdir/$name"
    set_secret "$name" "$workdir/$name" text/plain
  fi
done

# Expo access token: a single space means "none" (only needed with Expo's enhanced push security).
if exists expo-access-token; then
  echo "postprovision: secret 'expo-access-token' exists; kept."
else
  printf ' ' >"$workdir/none"
  set_secret expo-access-token "$workdir/none" text/plain
fi

# The database: roles, the circly database, the app's Entra principal (docs/DEPLOY.md). No
# database secret exists any more: PostgreSQL accepts only Entra ID sign-ins.
sh "$(dirname "$0")/database.sh" setup

# The Function App was created before the secrets above and may have cached a failed resolution of
# their Key Vault references (App Service keeps resolved references for up to 24 hours; a restart
# does not refetch them). Ask it to resolve them again now, so that it starts with the values
# instead of the literal "@Microsoft.KeyVault(...)" text, which options validation refuses.
app="${AZURE_FUNCTION_APP_NAME:-}"
group="${AZURE_RESOURCE_GROUP:-}"
if [ -n "$app" ] && [ -n "$group" ]; then
  subscription="${AZURE_SUBSCRIPTION_ID:-$(az account show --query id --output tsv)}"
  az rest --method post --output none \
    --url "https://management.azure.com/subscriptions/$subscription/resourceGroups/$group/providers/Microsoft.Web/sites/$app/config/configreferences/appsettings/refresh?api-version=2022-03-01"
  echo "postprovision: refreshed the Key Vault references of '$app'."
else
  echo "postprovision: warning: AZURE_FUNCTION_APP_NAME or AZURE_RESOURCE_GROUP is not set; refresh the app's Key Vault references by hand (docs/DEPLOY.md)." >&2
fi
