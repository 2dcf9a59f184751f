// Only deployed when a Graph client secret is given (GRAPH_CREDENTIAL=clientSecret): a Key Vault with RBAC
// authorization, the secret, and Key Vault Secrets User for the function app's identity. The app setting
// GRAPH_CLIENT_SECRET is a @Microsoft.KeyVault(SecretUri=...) reference resolved with that identity.
// No purge protection: the vault name is derived from the environment (resourceToken), so with purge protection a
// vault left soft-deleted by `azd down` would block `azd up` of the same environment for the whole retention period.
// Soft delete cannot be turned off; `azd down --purge` (or `az keyvault purge --name <vault>`) frees the name at once.

@minLength(3)
@maxLength(24)
param name string
param location string = resourceGroup().location
param tags object = {}
param secretName string

@secure()
param secretValue string

@description('Principal (the function app\'s user-assigned identity) that reads the secret.')
param readerPrincipalId string

var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'Graph client secret (cancel-gateway)'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
// Versionless: the reference follows rotations (the app picks up a new version within 24 h or on restart).
output secretUri string = secret.properties.secretUri
