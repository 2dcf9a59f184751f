// Data-plane roles for the function app's user-assigned identity (and, optionally, the deploying user).
// Shared keys are disabled on the storage account, so these roles are the only way in.

param storageAccountName string
param appInsightsName string
param managedIdentityPrincipalId string

@description('Optional: a user who also gets Storage data access (debugging). Empty: none.')
param userIdentityPrincipalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
@description('Kind of that principal: azd sets AZURE_PRINCIPAL_TYPE to ServicePrincipal when it runs as one (CI).')
param userIdentityPrincipalType string = 'User'

// Built-in role definition ids.
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

var storageRoles = [
  roleIds.storageBlobDataOwner // host leases and timer checkpoints, the deployment package
  roleIds.storageQueueDataContributor // notifications, webhook-deliveries and webhook-deliveries-retry queues (+ -poison)
  roleIds.storageTableDataContributor // cancellations, idempotency, subscriptions, deliveries
]

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource identityStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: {
    name: guid(storageAccount.id, managedIdentityPrincipalId, roleId)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: managedIdentityPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource identityMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, managedIdentityPrincipalId, roleIds.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: managedIdentityPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource userStorageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in storageRoles: if (!empty(userIdentityPrincipalId)) {
    name: guid(storageAccount.id, userIdentityPrincipalId, roleId)
    scope: storageAccount
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
      principalId: userIdentityPrincipalId
      principalType: userIdentityPrincipalType
    }
  }
]
