// Private networking (privateNetworking = true): a virtual network with one subnet delegated to
// Flex Consumption (the Function App's VNet integration) and one delegated to PostgreSQL Flexible
// Server, plus the private DNS zone through which the app resolves the server.

@description('Name of the virtual network.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags object

@description('Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/16'

@description('Subnet for the Function App\'s VNet integration (Flex Consumption needs at least a /28; a /24 leaves room to scale).')
param appSubnetPrefix string = '10.40.1.0/24'

@description('Subnet delegated to PostgreSQL Flexible Server.')
param postgresSubnetPrefix string = '10.40.2.0/24'

@description('Subnet for the private endpoints of Storage and Key Vault.')
param endpointsSubnetPrefix string = '10.40.3.0/24'

@description('Private DNS zone for the PostgreSQL server; must end in .postgres.database.azure.com.')
param postgresPrivateDnsZoneName string

resource vnet 'Microsoft.Network/virtualNetworks@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [
        addressPrefix
      ]
    }
    subnets: [
      {
        name: 'snet-app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: {
                serviceName: 'Microsoft.App/environments'
              }
            }
          ]
          // The app still calls public endpoints (Storage, Key Vault, Expo, Application Insights)
          // through this subnet, so it keeps default outbound access. Put a NAT gateway here to
          // get a fixed outbound address instead.
          defaultOutboundAccess: true
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
      {
        name: 'snet-postgres'
        properties: {
          addressPrefix: postgresSubnetPrefix
          delegations: [
            {
              name: 'postgres-flexible-server'
              properties: {
                serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers'
              }
            }
          ]
          // Explicit, because newer network API versions make new subnets private by default.
          defaultOutboundAccess: true
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
      {
        name: 'snet-endpoints'
        properties: {
          addressPrefix: endpointsSubnetPrefix
          defaultOutboundAccess: false
          privateEndpointNetworkPolicies: 'Disabled'
          privateLinkServiceNetworkPolicies: 'Enabled'
        }
      }
    ]
  }

  resource endpointsSubnet 'subnets' existing = {
    name: 'snet-endpoints'
  }

  resource appSubnet 'subnets' existing = {
    name: 'snet-app'
  }

  resource postgresSubnet 'subnets' existing = {
    name: 'snet-postgres'
  }
}

resource postgresDnsZone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: postgresPrivateDnsZoneName
  location: 'global'
  tags: tags

  resource vnetLink 'virtualNetworkLinks' = {
    name: '${vnet.name}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnet.id
      }
    }
  }
}

output vnetName string = vnet.name
output vnetId string = vnet.id
output endpointsSubnetId string = vnet::endpointsSubnet.id
output appSubnetId string = vnet::appSubnet.id
output postgresSubnetId string = vnet::postgresSubnet.id
// main.bicep deploys the server after this whole module, so the zone is linked by then.
output postgresPrivateDnsZoneId string = postgresDnsZone.id
