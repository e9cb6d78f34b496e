// staging: the production topology (private networking, same settings) at the smallest size:
// no HA, burstable PostgreSQL, a low instance cap. Deploy:
//   export AZURE_LOCATION=eastus2 CIRCLY_POSTGRES_ADMIN_NAME=...   (docs/DEPLOY.md)
//   az deployment sub create --name circly-staging --location "$AZURE_LOCATION" \
//     --template-file infra/main.bicep --parameters infra/main.staging.bicepparam
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'circly-staging')
param location = readEnvironmentVariable('AZURE_LOCATION', 'eastus2')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

// Function App
param functionMaximumInstanceCount = 40
param functionInstanceMemoryMB = 2048
param functionAlwaysReadyHttpInstances = 0
// param publicBaseUrl = 'https://staging-api.circly.app'   // once the custom domain is bound

// Storage, Key Vault, monitoring
param storageSkuName = 'Standard_LRS'
param keyVaultSoftDeleteRetentionInDays = 7
param keyVaultEnablePurgeProtection = false
param logAnalyticsRetentionInDays = 30
param logAnalyticsDailyQuotaGb = 2

// Alerts (docs/OPERATIONS.md)
param alertErrorRatePercent = 1
param alertLatencyP95Ms = 500
param alertDatabaseConnectionsPercent = 80
param alertOutboxLagMinutes = 5
param alertOutboxUnconsumedMinutes = 15

// Networking and PostgreSQL
param privateNetworking = true
param postgresVersion = '17'
param postgresSkuName = 'Standard_B2s'
param postgresSkuTier = 'Burstable'
param postgresStorageSizeGB = 32
param postgresStorageAutoGrow = true
param postgresHighAvailabilityMode = 'Disabled'
param postgresBackupRetentionDays = 7
param postgresGeoRedundantBackup = 'Disabled'
// The Entra administrator (default: AZURE_PRINCIPAL_ID) signs in to PostgreSQL under this name and runs the migrations.
param postgresEntraAdminName = readEnvironmentVariable('CIRCLY_POSTGRES_ADMIN_NAME', '')
param postgresMaxConnections = 429
