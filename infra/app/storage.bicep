// Storage for the host (AzureWebJobsStorage), the deployment package, and the gateway's tables and queues.
// Shared keys are disabled: everything reaches it with Entra ID (the user-assigned identity, see rbac.bicep).

param name string
param location string = resourceGroup().location
param tags object = {}
param deploymentStorageContainerName string

// The host keeps timer schedule status in the azure-webjobs-hosts blob container (it creates it), not in a table.
@description('Tables the gateway uses (it also creates them on first use).')
param tableNames array = [
  'cancellations'
  'idempotency'
  'subscriptions'
  'deliveries'
  'parkednotifications'
  'cancellationjobs'
  'graphsubscriptions'
  'bookingsnapshots'
]

@description('Queues the gateway uses, with the -poison queues the host moves messages to after maxDequeueCount.')
param queueNames array = [
  'notifications'
  'notifications-poison'
  'webhook-deliveries'
  'webhook-deliveries-poison'
  'webhook-deliveries-retry'
  'webhook-deliveries-retry-poison'
  'cancellation-jobs'
  'cancellation-jobs-poison'
  'graph-changes'
  'graph-changes-poison'
  'graph-lifecycle'
  'graph-lifecycle-poison'
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false // identity-based connections only
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    dnsEndpointType: 'Standard'
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentStorageContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for tableName in tableNames: {
    parent: tableService
    name: tableName
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

output name string = storage.name
output id string = storage.id
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
