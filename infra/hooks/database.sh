#!/bin/sh
# The database steps of a deployment, run with YOUR Entra ID sign-in (the server's Entra
# administrator, postgresEntraAdminName), never by the Function App:
#
#   sh infra/hooks/database.sh setup     roles circly_owner / circly_app, the database owned by
#                                        circly_owner, the app's managed identity as a member of
#                                        circly_app (azd: postprovision hook)
#   sh infra/hooks/database.sh migrate   the pending migrations, as circly_owner (azd: predeploy
#                                        hook, so new code never meets an old schema)
#
# Both are Circly.Migrate (dotnet run) and safe to repeat. azd sets the variables below from the
# deployment outputs; without azd export them yourself (docs/DEPLOY.md, "Database roles and migrations"):
#   AZURE_POSTGRES_HOST AZURE_POSTGRES_DATABASE_NAME AZURE_POSTGRES_ENTRA_ADMIN_NAME
#   AZURE_USER_ASSIGNED_IDENTITY_NAME AZURE_RESOURCE_GROUP AZURE_POSTGRES_SERVER_NAME AZURE_PRIVATE_NETWORKING
# With public access the server's firewall admits this machine's address while the step runs
# (rule "deploy-operator", removed afterwards). With private networking run it from inside the VNet.
set -eu

command=${1:?usage: database.sh setup|migrate}
for name in AZURE_POSTGRES_HOST AZURE_POSTGRES_DATABASE_NAME AZURE_POSTGRES_ENTRA_ADMIN_NAME AZURE_USER_ASSIGNED_IDENTITY_NAME; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "database.sh: $name is not set (azd sets it from the deployment outputs)." >&2
    exit 1
  fi
done
repo="$(cd "$(dirname "$0")/../.." && pwd)"

if [ "${AZURE_PRIVATE_NETWORKING:-false}" != "true" ]; then
  : "${AZURE_RESOURCE_GROUP:?database.sh: AZURE_RESOURCE_GROUP is not set}" "${AZURE_POSTGRES_SERVER_NAME:?database.sh: AZURE_POSTGRES_SERVER_NAME is not set}"
  address="$(curl -fsS https://api.ipify.org)"
  echo "database.sh: admitting $address to $AZURE_POSTGRES_SERVER_NAME while the $command step runs."
  az postgres flexible-server firewall-rule create --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_POSTGRES_SERVER_NAME" \
    --rule-name deploy-operator --start-ip-address "$address" --end-ip-address "$address" --output none
  trap 'az postgres flexible-server firewall-rule delete --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_POSTGRES_SERVER_NAME" --rule-name deploy-operator --yes --output none' EXIT INT TERM
fi

# The token comes from DefaultAzureCredential: your `az login` / `azd auth login`, or a pipeline's identity.
export Database__Authentication=EntraId
export Database__MigrationConnectionString="Host=$AZURE_POSTGRES_HOST;Database=$AZURE_POSTGRES_DATABASE_NAME;Username=$AZURE_POSTGRES_ENTRA_ADMIN_NAME;SSL Mode=Require;Timeout=30"
case "$command" in
  setup) dotnet run --project "$repo/Circly.Migrate" -c Release -- setup "$AZURE_USER_ASSIGNED_IDENTITY_NAME" ;;
  migrate) dotnet run --project "$repo/Circly.Migrate" -c Release -- migrate ;;
  *) echo "usage: database.sh setup|migrate" >&2; exit 2 ;;
esac
