// Writes secrets that the template itself derives (for example the database connection string,
// built from the server's host name and the admin password) into an existing Key Vault.

@description('Name of the existing Key Vault.')
param keyVaultName string

@description('Secret name -> secret value.')
@secure()
param secrets object

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' existing = {
  name: keyVaultName
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = [
  for item in items(secrets): {
    parent: vault
    name: item.key
    properties: {
      value: item.value
      contentType: 'text/plain'
    }
  }
]
