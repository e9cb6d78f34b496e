// Private networking: private endpoints for the Storage account (blob, queue, table) and the Key
// Vault in the endpoints subnet, each with its privatelink DNS zone linked to the VNet, so the
// VNet-integrated Function App reaches them by their usual names while their public access is off.

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object

@description('The virtual network the DNS zones are linked to.')
param vnetId string

@description('The subnet the private endpoints live in.')
param subnetId string

@description('Resource id of the Storage account.')
param storageAccountId string

@description('Name of the Storage account.')
param storageAccountName string

@description('Resource id of the Key Vault.')
param keyVaultId string

@description('Name of the Key Vault.')
param keyVaultName string

var storageSuffix = environment().suffixes.storage

// One endpoint per sub-resource: its group id, the resource it opens, and its privatelink zone.
var endpoints = [
  {
    name: 'pe-${storageAccountName}-blob'
    groupId: 'blob'
    resourceId: storageAccountId
    zone: 'privatelink.blob.${storageSuffix}'
  }
  {
    name: 'pe-${storageAccountName}-queue'
    groupId: 'queue'
    resourceId: storageAccountId
    zone: 'privatelink.queue.${storageSuffix}'
  }
  {
    name: 'pe-${storageAccountName}-table'
    groupId: 'table'
    resourceId: storageAccountId
    zone: 'privatelink.table.${storageSuffix}'
  }
  {
    name: 'pe-${keyVaultName}-vault'
    groupId: 'vault'
    resourceId: keyVaultId
    zone: 'privatelink.vaultcore.azure.net'
  }
]

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for endpoint in endpoints: {
    name: endpoint.zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (endpoint, i) in endpoints: {
    parent: zones[i]
    name: 'vnet-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnetId
      }
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2025-05-01' = [
  for endpoint in endpoints: {
    name: endpoint.name
    location: location
    tags: tags
    properties: {
      subnet: {
        id: subnetId
      }
      privateLinkServiceConnections: [
        {
          name: endpoint.name
          properties: {
            privateLinkServiceId: endpoint.resourceId
            groupIds: [
              endpoint.groupId
            ]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2025-05-01' = [
  for (endpoint, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: endpoint.groupId
          properties: {
            privateDnsZoneId: zones[i].id
          }
        }
      ]
    }
  }
]

output endpointNames array = [for (endpoint, i) in endpoints: privateEndpoints[i].name]
