// prod: zone-redundant HA PostgreSQL on General Purpose compute, private networking, zone-redundant
// storage, a larger instance cap and one always-ready HTTP instance (the seed runs at least two
// API replicas; Flex Consumption adds instances on demand), long backup retention, purge
// protection. Deploy:
//   export AZURE_LOCATION=eastus2 CIRCLY_POSTGRES_ADMIN_NAME=...   (docs/DEPLOY.md)
//   az deployment sub create --name circly-prod --location "$AZURE_LOCATION" \
//     --template-file infra/main.bicep --parameters infra/main.prod.bicepparam
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'circly-prod')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

// Function App
param functionMaximumInstanceCount = 100
param functionInstanceMemoryMB = 2048
param functionAlwaysReadyHttpInstances = 1
// param publicBaseUrl = 'https://api.circly.app'   // once the custom domain is bound

// Storage, Key Vault, monitoring
param storageSkuName = 'Standard_ZRS'
param keyVaultSoftDeleteRetentionInDays = 90
param keyVaultEnablePurgeProtection = true
param logAnalyticsRetentionInDays = 90
param logAnalyticsDailyQuotaGb = -1

// Alerts (docs/OPERATIONS.md)
param alertErrorRatePercent = 1
param alertLatencyP95Ms = 500
param alertDatabaseConnectionsPercent = 80
param alertOutboxLagMinutes = 5
param alertOutboxUnconsumedMinutes = 15

// Networking and PostgreSQL
param privateNetworking = true
param postgresVersion = '17'
param postgresSkuName = 'Standard_D2ds_v5'
param postgresSkuTier = 'GeneralPurpose'
param postgresStorageSizeGB = 128
param postgresStorageAutoGrow = true
param postgresHighAvailabilityMode = 'ZoneRedundant'
param postgresBackupRetentionDays = 35
param postgresGeoRedundantBackup = 'Disabled'
// The Entra administrator (default: AZURE_PRINCIPAL_ID) signs in to PostgreSQL under this name and runs the migrations.
param postgresEntraAdminName = readEnvironmentVariable('CIRCLY_POSTGRES_ADMIN_NAME', '')
param postgresMaxConnections = 859
