// Azure Database for PostgreSQL Flexible Server. Sign-in is Microsoft Entra ID only (password
// authentication off): the Entra administrator below is the deployer, who runs Circly.Migrate (setup:
// the roles circly_owner / circly_app, the `circly` database owned by circly_owner, the Function App's
// identity as a member of circly_app; then the migrations). The app signs in with its managed
// identity's tokens and never holds a password. See docs/DEPLOY.md, "Database roles and migrations".
// TLS is required (require_secure_transport = on). Reachability:
// - private networking: the server lives in a delegated subnet with public access disabled, and
//   only the VNet-integrated Function App (or anything else in that VNet) can reach it;
// - otherwise: public access with firewall rules — the "Azure services" rule (Flex Consumption
//   has no fixed outbound addresses) plus any operator ranges in allowedIpRanges.

@description('Name of the server.')
param name string

@description('Azure region.')
param location string

@description('Tags for the server.')
param tags object

@description('PostgreSQL major version.')
@allowed([
  '15'
  '16'
  '17'
  '18'
])
param version string = '17'

@description('Compute SKU name, e.g. Standard_B1ms (Burstable), Standard_D2ds_v5 (GeneralPurpose).')
param skuName string = 'Standard_B1ms'

@description('Compute tier; must match skuName. High availability needs GeneralPurpose or MemoryOptimized.')
@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

@description('Storage size in GiB.')
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
param storageSizeGB int = 32

@description('Grow storage automatically when it fills up.')
param storageAutoGrow bool = false

@description('High availability: Disabled, SameZone or ZoneRedundant (not on Burstable).')
@allowed([
  'Disabled'
  'SameZone'
  'ZoneRedundant'
])
param highAvailabilityMode string = 'Disabled'

@description('Days of point-in-time restore (7-35).')
@minValue(7)
@maxValue(35)
param backupRetentionDays int = 7

@description('Copy backups to the paired region (only where the region supports it; cannot be changed after creation).')
@allowed([
  'Disabled'
  'Enabled'
])
param geoRedundantBackup string = 'Disabled'

@description('Object id of the Entra principal (user, group or service principal) that administers the server and runs the migrations.')
param entraAdminObjectId string

@description('Name of that principal as PostgreSQL knows it: a user\'s UPN, a group\'s or service principal\'s display name. It is the user name it signs in with.')
param entraAdminName string

@description('Kind of principal entraAdminObjectId is.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param entraAdminType string = 'User'

@description('Keep password sign-in on: only while upgrading a server created with a password administrator (docs/DEPLOY.md); a new server cannot be created with it. false = Entra ID only.')
param legacyAdminSignIn bool = false

@description('Private networking: resource id of the subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers; empty for public access.')
param delegatedSubnetId string = ''

@description('Private networking: resource id of the private DNS zone linked to the virtual network.')
param privateDnsZoneId string = ''

@description('Public access only: extra firewall ranges for operators, e.g. [{ name: \'office\', startIpAddress: \'203.0.113.10\', endIpAddress: \'203.0.113.10\' }].')
param allowedIpRanges array = []

var privateNetworking = !empty(delegatedSubnetId)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    createMode: 'Default'
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: legacyAdminSignIn ? 'Enabled' : 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: storageAutoGrow ? 'Enabled' : 'Disabled'
    }
    backup: {
      backupRetentionDays: backupRetentionDays
      geoRedundantBackup: geoRedundantBackup
    }
    highAvailability: {
      mode: highAvailabilityMode
    }
    network: privateNetworking
      ? {
          delegatedSubnetResourceId: delegatedSubnetId
          privateDnsZoneArmResourceId: privateDnsZoneId
          publicNetworkAccess: 'Disabled'
        }
      : {
          publicNetworkAccess: 'Enabled'
        }
  }
}

// The Entra administrator; named by the principal's object id. The database itself is created by
// Circly.Migrate setup, so that circly_owner owns it (and its schema public) from the start.
resource entraAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = {
  parent: server
  name: entraAdminObjectId
  properties: {
    principalName: entraAdminName
    principalType: entraAdminType
    tenantId: tenant().tenantId
  }
}

// Server parameters are applied one after another: the server rejects concurrent updates.
resource requireSecureTransport 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [
    entraAdmin
  ]
}

resource minTlsVersion 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'ssl_min_protocol_version'
  properties: {
    value: 'TLSv1.2'
    source: 'user-override'
  }
  dependsOn: [
    requireSecureTransport
  ]
}

// 0.0.0.0 - 0.0.0.0 is Azure's "allow public access from Azure services" rule.
resource allowAzureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (!privateNetworking) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    minTlsVersion
  ]
}

@batchSize(1)
resource operatorRules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = [
  for rule in (privateNetworking ? [] : allowedIpRanges): {
    parent: server
    name: rule.name
    properties: {
      startIpAddress: rule.startIpAddress
      endIpAddress: rule.endIpAddress
    }
    dependsOn: [
      allowAzureServices
    ]
  }
]

output name string = server.name
output fqdn string = server.properties.fullyQualifiedDomainName
output entraAdminName string = entraAdminName
