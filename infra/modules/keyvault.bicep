// Key Vault in RBAC mode. Bicep creates the vault and no secrets: the JWT keys, the vote-hash
// secret, the device-id pepper and the Expo token are set once by the operator (docs/DEPLOY.md,
// infra/hooks/postprovision.sh) and never by a template, so a redeployment cannot rotate them.
// There is no database secret: PostgreSQL accepts Entra ID sign-ins only.

@description('Name of the Key Vault (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for the vault.')
param tags object

@description('Public network access: Disabled in private networking, where the VNet reaches the vault through private endpoints.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Days a deleted vault or secret can be recovered (7-90).')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 7

@description('Purge protection: a deleted vault cannot be purged before the retention ends. Cannot be turned off again.')
param enablePurgeProtection bool = false

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The property only accepts true; leave it out to keep purge protection off.
    enablePurgeProtection: enablePurgeProtection ? true : null
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    // Without a VNet, App Service resolves Key Vault references from outside any network and Flex
    // Consumption has no fixed outbound addresses: access is by Entra ID (RBAC) only. With one,
    // the VNet-integrated app resolves them through the vault's private endpoint.
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
    }
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
