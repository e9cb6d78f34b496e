// Circly on Azure: a Flex Consumption Function App (.NET 10 isolated) over PostgreSQL Flexible
// Server, with Storage (queues, tables, blobs), Key Vault, Application Insights and one
// user-assigned managed identity. Deployed at subscription scope; creates the resource group.
//
//   azd up                                   (uses main.parameters.json)
//   az deployment sub create --location <region> --template-file infra/main.bicep \
//     --parameters infra/main.<env>.bicepparam
//
// See docs/DEPLOY.md for the whole walk-through, including the Key Vault secrets to set.
targetScope = 'subscription'

// ------------------------------------------------------------------------------------------------
// Environment
// ------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the environment (e.g. circly-dev); seeds the resource token and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region for all resources. It must offer Flex Consumption (az functionapp list-flexconsumption-locations) and PostgreSQL Flexible Server.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Principal id of the deploying user or service principal: gets Key Vault Secrets Officer so it can set secrets, and is the default Entra administrator of PostgreSQL (postgresEntraAdminObjectId). Required.')
param principalId string = ''

@description('Kind of principal principalId is.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

// ------------------------------------------------------------------------------------------------
// Resource names (empty = abbreviation prefix + resource token)
// ------------------------------------------------------------------------------------------------

@description('Resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Function App name; default func-<token>.')
param functionAppName string = ''

@description('Flex Consumption plan name; default plan-<token>.')
param appServicePlanName string = ''

@description('Storage account name; default st<token>.')
param storageAccountName string = ''

@description('Key Vault name; default kv-<token>.')
param keyVaultName string = ''

@description('PostgreSQL server name; default psql-<token>.')
param postgresServerName string = ''

@description('User-assigned managed identity name; default id-<token>.')
param identityName string = ''

@description('Log Analytics workspace name; default log-<token>.')
param logAnalyticsName string = ''

@description('Application Insights name; default appi-<token>.')
param applicationInsightsName string = ''

@description('Virtual network name (private networking only); default vnet-<token>.')
param vnetName string = ''

// ------------------------------------------------------------------------------------------------
// Function App
// ------------------------------------------------------------------------------------------------

@description('Largest number of instances the Function App scales out to. Each holds its own connection pool: instances x Database__MaxPoolSize stays under PostgreSQL\'s max_connections (see postgresMaxConnections and docs/DEPLOY.md, "Connections").')
@minValue(1)
@maxValue(1000)
param functionMaximumInstanceCount int = 15

@description('Memory of each Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param functionInstanceMemoryMB int = 2048

@description('Always-ready instances for the HTTP functions (no cold start, billed while idle); 0 scales to zero.')
@minValue(0)
@maxValue(20)
param functionAlwaysReadyHttpInstances int = 0

@description('Public base URL of the API (e.g. https://api.circly.app once a custom domain is bound); empty = https://<function app>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('App Store page of the iOS app (share pages link to it).')
param iosStoreUrl string = 'https://apps.apple.com/app/circly'

@description('Google Play page of the Android app (share pages link to it).')
param androidStoreUrl string = 'https://play.google.com/store/apps/details?id=app.circly'

@description('The published safety contact (e-mail address or https URL), shown on the invite page and in GET /v1/users/me.')
param safetyContact string = 'safety@circly.app'

@description('Microsoft Entra ID tenant (directory) id for admin sign-in; empty = the admin API refuses every call (docs/SAFETY.md).')
param adminTenantId string = ''

@description('Application (client) id of the Entra app registration that defines the "moderator" and "admin" app roles: the audience of admin tokens (v2 tokens).')
param adminApiClientId string = ''

@description('The short store link printed on share cards (a redirect to the app stores; never an invite link).')
param shareCardStoreLink string = 'circly.app/get'

// ------------------------------------------------------------------------------------------------
// Storage, Key Vault, monitoring
// ------------------------------------------------------------------------------------------------

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSkuName string = 'Standard_LRS'

@description('Days a deleted Key Vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 7

@description('Key Vault purge protection (cannot be turned off once on; blocks azd down --purge until the retention ends).')
param keyVaultEnablePurgeProtection bool = false

@description('Days Log Analytics keeps data.')
@minValue(30)
@maxValue(730)
param logAnalyticsRetentionInDays int = 30

@description('Daily Log Analytics ingestion cap in GB; -1 for none.')
param logAnalyticsDailyQuotaGb int = -1

// ------------------------------------------------------------------------------------------------
// Alerts (docs/OPERATIONS.md)
// ------------------------------------------------------------------------------------------------

@description('Who the alerts notify: [{ name: \'oncall\', email: \'oncall@example.com\' }]. Empty: alerts fire without notifying anyone.')
param alertEmailReceivers array = []

@description('Alert when more than this percentage of requests answer 5xx over 5 minutes (seed: 1).')
@minValue(1)
@maxValue(100)
param alertErrorRatePercent int = 1

@description('Alert when the 95th percentile request duration exceeds this many ms over 5 minutes (seed: 500).')
@minValue(50)
param alertLatencyP95Ms int = 500

@description('Alert when PostgreSQL\'s active connections exceed this percentage of postgresMaxConnections (seed: 80).')
@minValue(10)
@maxValue(100)
param alertDatabaseConnectionsPercent int = 80

@description('Alert when the oldest undispatched outbox event is older than this many minutes.')
@minValue(1)
param alertOutboxLagMinutes int = 5

@description('Alert when an outbox event has been dispatched but not consumed for more than this many minutes (from its creation).')
@minValue(1)
param alertOutboxUnconsumedMinutes int = 15

// ------------------------------------------------------------------------------------------------
// Networking and PostgreSQL
// ------------------------------------------------------------------------------------------------

@description('Private networking: VNet + delegated subnets + private DNS zone; PostgreSQL has no public endpoint and the Function App is VNet-integrated. Otherwise PostgreSQL is public behind firewall rules.')
param privateNetworking bool = false

@description('Address space of the virtual network (private networking only).')
param vnetAddressPrefix string = '10.40.0.0/16'

@description('Subnet for the Function App\'s VNet integration (private networking only).')
param appSubnetPrefix string = '10.40.1.0/24'

@description('Subnet delegated to PostgreSQL (private networking only).')
param postgresSubnetPrefix string = '10.40.2.0/24'

@description('PostgreSQL major version (15 or newer; check the region offers it).')
@allowed([
  '15'
  '16'
  '17'
  '18'
])
param postgresVersion string = '17'

@description('PostgreSQL compute SKU.')
param postgresSkuName string = 'Standard_B1ms'

@description('PostgreSQL compute tier (must match the SKU; high availability needs GeneralPurpose or MemoryOptimized).')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage in GiB.')
@allowed([
  32
  64
  128
  256
  512
  1024
  2048
  4096
  8192
  16384
])
param postgresStorageSizeGB int = 32

@description('Grow PostgreSQL storage automatically.')
param postgresStorageAutoGrow bool = false

@description('PostgreSQL high availability.')
@allowed([
  'Disabled'
  'SameZone'
  'ZoneRedundant'
])
param postgresHighAvailabilityMode string = 'Disabled'

@description('PostgreSQL point-in-time-restore window in days.')
@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 7

@description('Geo-redundant PostgreSQL backups (set at creation only; not in every region).')
@allowed([
  'Disabled'
  'Enabled'
])
param postgresGeoRedundantBackup string = 'Disabled'

@description('Object id of the Entra principal that administers PostgreSQL and runs the migrations (Circly.Migrate); default: principalId, the deployer.')
param postgresEntraAdminObjectId string = principalId

@description('Name of that principal: a user\'s UPN (az ad signed-in-user show --query userPrincipalName), a group\'s or service principal\'s display name. The migrations sign in with it.')
param postgresEntraAdminName string

@description('Kind of principal postgresEntraAdminObjectId is; default: principalType.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param postgresEntraAdminType string = principalType

@description('Keep PostgreSQL\'s password sign-in on. Only while upgrading a server created with a password administrator (docs/DEPLOY.md); false = Entra ID only.')
param postgresLegacyAdminSignIn bool = false

@description('Extra Npgsql connection-string keywords appended to Database__ConnectionString, Empty = none. The pool size is Database__MaxPoolSize, derived from postgresMaxConnections below.')
param databaseConnectionOptions string = ''

@description('The server\'s max_connections: the SKU\'s default unless changed (Standard_B1ms 50, Standard_B2s 429, Standard_D2ds_v5 859; az postgres flexible-server parameter show --name max_connections). The per-instance pool and the connections alert derive from it.')
@minValue(25)
param postgresMaxConnections int = 50

@description('Connections kept free of the app: Azure\'s own (superuser, replication, monitoring) and the operator\'s psql or migrations.')
@minValue(5)
param postgresReservedConnections int = 15

@description('Public access only: firewall ranges for operators, e.g. [{ name: \'ops\', startIpAddress: \'203.0.113.10\', endIpAddress: \'203.0.113.10\' }].')
param postgresAllowedIpRanges array = []

// ------------------------------------------------------------------------------------------------
// Names and shared values
// ------------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'circly'
}

var names = {
  resourceGroup: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  functionApp: !empty(functionAppName) ? functionAppName : '${abbrs.webSitesFunctions}${resourceToken}'
  plan: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
  storage: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
  keyVault: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}'
  postgres: !empty(postgresServerName) ? postgresServerName : '${abbrs.dBforPostgreSQLServers}${resourceToken}'
  identity: !empty(identityName) ? identityName : '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  logAnalytics: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
  applicationInsights: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
  vnet: !empty(vnetName) ? vnetName : '${abbrs.networkVirtualNetworks}${resourceToken}'
}

// The contract with the app code: the queue and container names it uses (it keeps no tables;
// the Functions host makes its own diagnostic-event tables).
var deploymentContainerName = 'app-package'
var blobContainerNames = [
  deploymentContainerName
  'result-cards'
]
var queueNames = [
  'outbox-events'
  'outbox-events-poison'
  'push-batches'
  'push-batches-poison'
]

var databaseName = 'circly'

// Each instance has its own Npgsql pool: instances x pool must fit in what the server leaves the
// app. InfraContractTests check it for every parameter file (docs/DEPLOY.md, "Connections").
var databaseMaxPoolSize = max(1, (postgresMaxConnections - postgresReservedConnections) / functionMaximumInstanceCount)
var apiBaseUrl = !empty(publicBaseUrl) ? publicBaseUrl : 'https://${names.functionApp}.azurewebsites.net'

@description('An app setting value that App Service resolves from Key Vault with keyVaultReferenceIdentity.')
func keyVaultReference(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'

// ------------------------------------------------------------------------------------------------
// Resources
// ------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    retentionInDays: logAnalyticsRetentionInDays
    dailyQuotaGb: logAnalyticsDailyQuotaGb
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    skuName: storageSkuName
    containerNames: blobContainerNames
    queueNames: queueNames
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    enablePurgeProtection: keyVaultEnablePurgeProtection
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
  }
}

module network 'modules/network.bicep' = if (privateNetworking) {
  name: 'network'
  scope: rg
  params: {
    name: names.vnet
    location: location
    tags: tags
    addressPrefix: vnetAddressPrefix
    appSubnetPrefix: appSubnetPrefix
    postgresSubnetPrefix: postgresSubnetPrefix
    postgresPrivateDnsZoneName: '${names.postgres}.private.postgres.database.azure.com'
  }
}

// In private networking Storage and Key Vault have no public access: the app reaches them here.
module privateEndpoints 'modules/private-endpoints.bicep' = if (privateNetworking) {
  name: 'private-endpoints'
  scope: rg
  params: {
    location: location
    tags: tags
    vnetId: network!.outputs.vnetId
    subnetId: network!.outputs.endpointsSubnetId
    storageAccountId: storage.outputs.id
    storageAccountName: storage.outputs.name
    keyVaultId: keyVault.outputs.id
    keyVaultName: keyVault.outputs.name
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: rg
  params: {
    name: names.postgres
    location: location
    tags: tags
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageSizeGB
    storageAutoGrow: postgresStorageAutoGrow
    highAvailabilityMode: postgresHighAvailabilityMode
    backupRetentionDays: postgresBackupRetentionDays
    geoRedundantBackup: postgresGeoRedundantBackup
    entraAdminObjectId: postgresEntraAdminObjectId
    entraAdminName: postgresEntraAdminName
    entraAdminType: postgresEntraAdminType
    legacyAdminSignIn: postgresLegacyAdminSignIn
    delegatedSubnetId: privateNetworking ? network!.outputs.postgresSubnetId : ''
    privateDnsZoneId: privateNetworking ? network!.outputs.postgresPrivateDnsZoneId : ''
    allowedIpRanges: postgresAllowedIpRanges
  }
  // Referencing network's outputs makes the server wait for the whole network module, so the
  // private DNS zone is linked to the VNet before the server is created.
}

module postgresDiagnostics 'modules/postgres-diagnostics.bicep' = {
  name: 'postgres-diagnostics'
  scope: rg
  params: {
    postgresServerName: postgres.outputs.name
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsId
  }
}

module rbac 'modules/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

// ================================================================================================
// APP SETTINGS — every setting the app reads in Azure, in this ONE object. Add new settings here.
// Secrets are Key Vault references (resolved with the user-assigned identity); the secrets
// themselves are listed in docs/DEPLOY.md. Do NOT add FUNCTIONS_WORKER_RUNTIME or
// FUNCTIONS_EXTENSION_VERSION: Flex Consumption rejects them (the runtime is in functionAppConfig).
// ================================================================================================
// Admin tokens come from the tenant's v2.0 authority; its OpenID metadata and keys are fetched from there.
var adminAuthority = empty(adminTenantId) ? '' : '${environment().authentication.loginEndpoint}${adminTenantId}/v2.0'

var appSettings = {
  // Host storage, identity-based (shared keys are disabled on the account).
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AzureWebJobsStorage__blobServiceUri: storage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: storage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: storage.outputs.tableEndpoint

  // Telemetry (the host authenticates to Application Insights with the identity).
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'

  // Database: the app signs in as its managed identity (a member of circly_app: rows only) with
  // Entra ID tokens; no password anywhere. Migrations run from the deployment as the Entra
  // administrator (Circly.Migrate), never from the app, so the app has no migration connection.
  Database__ConnectionString: 'Host=${postgres.outputs.fqdn};Database=${databaseName};Username=${identity.outputs.name};SSL Mode=Require;Max Auto Prepare=32;No Reset On Close=true${empty(databaseConnectionOptions) ? '' : ';${databaseConnectionOptions}'}'
  Database__Authentication: 'EntraId'
  Database__EntraClientId: identity.outputs.clientId
  Database__MigrateOnStartup: 'false'
  Database__MigrationConnectionString: ''
  Database__MigrationLockTimeout: '00:02:00'
  Database__MaxPoolSize: string(databaseMaxPoolSize)
  // Overrides the connection string's Require: verify the server's certificate (Azure's CAs are in
  // the instance's trust store) and that it names the host.
  Database__SslMode: 'VerifyFull'

  // Auth
  Auth__Issuer: apiBaseUrl
  Auth__Audience: 'circly-app'
  Auth__SigningKeyPem: keyVaultReference(keyVault.outputs.uri, 'jwt-signing-key')
  Auth__PreviousSigningKeyPem: keyVaultReference(keyVault.outputs.uri, 'jwt-previous-signing-key')
  Auth__DeviceIdPepper: keyVaultReference(keyVault.outputs.uri, 'device-id-pepper')
  Auth__AccessTokenLifetime: '00:15:00'
  Auth__RefreshTokenIdleLifetime: '30.00:00:00'
  Auth__ClockSkew: '00:00:30'
  Auth__TransferCodeLifetime: '00:10:00'

  // Rate limits (counters are shared in PostgreSQL)
  RateLimit__UserPerMinute: '100'
  RateLimit__IpPerMinute: '100'
  RateLimit__RegistrationsPerIpPerHour: '10'
  RateLimit__JoinAttemptsPerUserPerHour: '20'
  RateLimit__JoinAttemptsPerIpPerHour: '60'
  RateLimit__TransferCodesPerUserPerHour: '5'
  RateLimit__TransferAttemptsPerIpPerHour: '20'
  RateLimit__ShareCardsPerUserPerHour: '30'
  RateLimit__TrustForwardedFor: 'true'

  // Polls
  Polls__MinDuration: '00:05:00'
  Polls__MaxDuration: '7.00:00:00'
  Polls__DeadlineReminderLead: '01:00:00'
  Polls__CloseAfterAllVotedMin: '00:15:00'
  Polls__CloseAfterAllVotedMax: '01:00:00'
  Polls__MaxCreatedPerUserPerHour: '5'
  Polls__MaxCreatedPerCirclePerHour: '20'

  // Reports and admin sign-in (docs/SAFETY.md)
  Reports__AutoHideThreshold: '3'
  Reports__MaxPerUserPerHour: '10'
  Admin__Authority: adminAuthority
  Admin__Audience: adminApiClientId

  // Voting (never rotate while polls are open: docs/DEPLOY.md)
  Voting__HashSecret: keyVaultReference(keyVault.outputs.uri, 'vote-hash-secret')
  Voting__VisibleStep: '3'

  // Outbox: an event dispatched but not consumed is sent again after this, at most this many times (docs/ARCHITECTURE.md)
  Outbox__RedeliverAfter: '00:05:00'
  Outbox__MaxDispatches: '5'

  // Retention: how long the daily cleanup keeps each kind of data (docs/ARCHITECTURE.md)
  Retention__OutboxEvents: '7.00:00:00'
  Retention__InboxEntries: '30.00:00:00'
  Retention__PushTickets: '2.00:00:00'
  Retention__RateLimitWindows: '02:00:00'
  Retention__ClosedPolls: '30.00:00:00'
  Retention__DeletedCirclesAndPolls: '7.00:00:00'
  Retention__AnalyticsEvents: '90.00:00:00'

  // Expo push
  Expo__BaseUrl: 'https://exp.host'
  Expo__AccessToken: keyVaultReference(keyVault.outputs.uri, 'expo-access-token')
  Expo__MaxPerSecond: '600'
  Expo__PacingMargin: '00:00:00.100'
  Expo__SendAttempts: '3'
  Expo__RetryBaseDelay: '00:00:01'
  Expo__MaxRetryDelay: '00:00:30'
  Expo__RequestTimeout: '00:00:30'
  Expo__MaxConcurrentRequests: '6'
  Expo__ReceiptDelay: '00:15:00'
  Expo__ReceiptExpiry: '1.00:00:00'

  // Public links
  App__PublicBaseUrl: apiBaseUrl
  App__IosStoreUrl: iosStoreUrl
  App__AndroidStoreUrl: androidStoreUrl
  App__SafetyContact: safetyContact

  // Share cards (docs/SHARING.md): links are user delegation SAS (Storage Blob Data Owner may sign them)
  Sharing__StoreLink: shareCardStoreLink
  Sharing__LinkLifetime: '00:15:00'
  Sharing__CardRetention: '7.00:00:00'

  // Timer schedules (NCRONTAB with seconds)
  CLOSE_POLLS_SCHEDULE: '0 * * * * *'
  OUTBOX_SWEEP_SCHEDULE: '30 * * * * *'
  PUSH_RECEIPTS_SCHEDULE: '0 */5 * * * *'
  DEADLINE_REMINDERS_SCHEDULE: '15 * * * * *'
  CLEANUP_SCHEDULE: '0 30 3 * * *'
  ANALYTICS_SCHEDULE: '0 15 0 * * *'
  BACKLOG_METRICS_SCHEDULE: '45 * * * * *'

  // .NET 10 on Flex Consumption: the worker dies with SIGSEGV (exit 139) under load when started
  // from the platform's pre-warmed placeholder (azure-functions-dotnet-worker #3335, open). The
  // documented workaround: no placeholder for dotnet-isolated; costs some cold-start time.
  WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: '0'
}
// ================================================================================================
// END APP SETTINGS
// ================================================================================================

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    runtimeName: 'dotnet-isolated'
    runtimeVersion: '10.0'
    maximumInstanceCount: functionMaximumInstanceCount
    instanceMemoryMB: functionInstanceMemoryMB
    alwaysReadyHttpInstances: functionAlwaysReadyHttpInstances
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : ''
    appSettings: appSettings
  }
  // The identity needs its storage and Key Vault roles before the host starts. Every secret the
  // app references must exist before it resolves the reference (App Service caches a resolved
  // reference, or a failure, for up to 24 hours): a secret the template writes belongs to a module
  // listed here; the ones only the operator sets are created by infra/hooks/postprovision.sh,
  // which then refreshes the references (InfraContractTests check both).
  dependsOn: [
    rbac
    privateEndpoints
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    environmentName: environmentName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    postgresServerName: postgres.outputs.name
    apiBaseUrl: apiBaseUrl
    emailReceivers: alertEmailReceivers
    errorRatePercent: alertErrorRatePercent
    latencyP95Ms: alertLatencyP95Ms
    databaseConnectionsThreshold: postgresMaxConnections * alertDatabaseConnectionsPercent / 100
    outboxLagMinutes: alertOutboxLagMinutes
    outboxUnconsumedMinutes: alertOutboxUnconsumedMinutes
  }
  // The availability test calls the app.
  dependsOn: [
    functionApp
  ]
}

// ------------------------------------------------------------------------------------------------
// Outputs (azd stores them in .azure/<env>/.env)
// ------------------------------------------------------------------------------------------------

output API_BASE_URL string = apiBaseUrl
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_HOSTNAME string = functionApp.outputs.defaultHostName
output AZURE_APP_SERVICE_PLAN_NAME string = functionApp.outputs.planName
output SERVICE_API_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_POSTGRES_SERVER_NAME string = postgres.outputs.name
output AZURE_POSTGRES_HOST string = postgres.outputs.fqdn
output AZURE_POSTGRES_DATABASE_NAME string = databaseName
output AZURE_POSTGRES_ENTRA_ADMIN_NAME string = postgres.outputs.entraAdminName
output AZURE_USER_ASSIGNED_IDENTITY_NAME string = identity.outputs.name
output AZURE_USER_ASSIGNED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output AZURE_LOG_ANALYTICS_WORKSPACE_NAME string = monitoring.outputs.logAnalyticsName
output AZURE_APPLICATION_INSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_PRIVATE_NETWORKING bool = privateNetworking
output AZURE_WORKBOOK_ID string = alerts.outputs.workbookId
output AZURE_VNET_NAME string = privateNetworking ? network!.outputs.vnetName : ''
