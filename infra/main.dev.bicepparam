// dev: small and cheap. One instance of everything the seed runs, public PostgreSQL behind
// firewall rules, no HA, shortest retention. Deploy:
//   export AZURE_LOCATION=eastus2 CIRCLY_POSTGRES_ADMIN_NAME=...   (docs/DEPLOY.md)
//   az deployment sub create --name circly-dev --location "$AZURE_LOCATION" \
//     --template-file infra/main.bicep --parameters infra/main.dev.bicepparam
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'circly-dev')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

// Function App
// 15 x 2 pooled connections = 30 of the 35 Standard_B1ms leaves the app (docs/DEPLOY.md, "Connections").
param functionMaximumInstanceCount = 15
param functionInstanceMemoryMB = 2048
param functionAlwaysReadyHttpInstances = 0

// Storage, Key Vault, monitoring
param storageSkuName = 'Standard_LRS'
param keyVaultSoftDeleteRetentionInDays = 7
param keyVaultEnablePurgeProtection = false
param logAnalyticsRetentionInDays = 30
param logAnalyticsDailyQuotaGb = 1

// Alerts (docs/OPERATIONS.md)
param alertErrorRatePercent = 1
param alertLatencyP95Ms = 500
param alertDatabaseConnectionsPercent = 80
param alertOutboxLagMinutes = 5
param alertOutboxUnconsumedMinutes = 15

// Networking and PostgreSQL
param privateNetworking = false
param postgresVersion = '17'
param postgresSkuName = 'Standard_B1ms'
param postgresSkuTier = 'Burstable'
param postgresStorageSizeGB = 32
param postgresStorageAutoGrow = false
param postgresHighAvailabilityMode = 'Disabled'
param postgresBackupRetentionDays = 7
param postgresGeoRedundantBackup = 'Disabled'
// The Entra administrator (default: AZURE_PRINCIPAL_ID) signs in to PostgreSQL under this name and runs the migrations.
param postgresEntraAdminName = readEnvironmentVariable('CIRCLY_POSTGRES_ADMIN_NAME', '')
param postgresMaxConnections = 50
