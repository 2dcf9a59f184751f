targetScope = 'subscription'

// Cancel Gateway: a Flex Consumption function app (Node) running as a user-assigned managed identity,
// Storage with shared keys disabled (identity-based connections), Application Insights with Entra ID auth,
// and, only when a Graph client secret is given, a Key Vault holding it. Shaped after the Azure-Samples
// azd quickstarts (functions-quickstart-typescript-azd).

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to derive a short unique token for resource names.')
param environmentName string

@minLength(1)
// Regions offering Flex Consumption, as listed by Azure-Samples/functions-quickstart-typescript-azd (infra/main.bicep,
// February 2026). The current list: az functionapp list-flexconsumption-locations -o table
@allowed([
  'australiaeast'
  'australiasoutheast'
  'brazilsouth'
  'canadacentral'
  'centralindia'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'francecentral'
  'germanywestcentral'
  'italynorth'
  'japaneast'
  'koreacentral'
  'northcentralus'
  'northeurope'
  'norwayeast'
  'southafricanorth'
  'southcentralus'
  'southeastasia'
  'southindia'
  'spaincentral'
  'swedencentral'
  'uaenorth'
  'uksouth'
  'ukwest'
  'westcentralus'
  'westeurope'
  'westus'
  'westus2'
  'westus3'
])
@description('Primary location for all resources (must offer Flex Consumption).')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Optional overrides for resource names.')
param resourceGroupName string = ''
param apiServiceName string = ''
param apiUserAssignedIdentityName string = ''
param appServicePlanName string = ''
param storageAccountName string = ''
param logAnalyticsName string = ''
param applicationInsightsName string = ''
param keyVaultName string = ''

@description('Object id of the principal running azd (azd sets AZURE_PRINCIPAL_ID).')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Kind of that principal (azd sets AZURE_PRINCIPAL_TYPE; ServicePrincipal in CI).')
param principalType string = 'User'

@description('Give the deploying principal Storage data access too (debugging only; off by default).')
param grantDeployerDataAccess bool = false

@description('The one Entra ID tenant this deployment serves (GATEWAY_TENANT_ID). Empty: the tenant being deployed to.')
param gatewayTenantId string = ''

@description('Client id of the gateway API app registration (GATEWAY_API_CLIENT_ID).')
param gatewayApiClientId string

@description('Application ID URI of the gateway API app registration, e.g. api://cancel-gateway (GATEWAY_API_APP_ID_URI).')
param gatewayApiAppIdUri string

@description('Client id of a Graph app registration. Only used with graphClientSecret; otherwise the gateway calls Graph as its user-assigned identity.')
param graphClientId string = ''

@secure()
@description('Client secret of that app registration. When given it is stored in Key Vault and referenced from the app settings (GRAPH_CREDENTIAL=clientSecret).')
param graphClientSecret string = ''

@description('The tenant policy document (JSON), base64-encoded so it survives azd parameter substitution. Empty: {} (nothing beyond users acting on their own mailboxes).')
param tenantPolicyBase64 string = ''

// App settings people tune (docs/settings.md). Each default is the schema's (test/infra/settings.test.ts checks).
@description('Sent to customers when a booking cancel gives no cancellationMessage. Azd: BOOKING_DEFAULT_CANCELLATION_MESSAGE.')
param bookingDefaultCancellationMessage string = 'Your appointment has been cancelled.'

@description('Delay before reconciliation first re-verifies an accepted cancellation. Azd: CANCEL_VERIFY_DELAY_SECONDS.')
param cancelVerifyDelaySeconds string = '300'

@description('How long Idempotency-Keys are kept and replayed (at least 24). Azd: IDEMPOTENCY_RETENTION_HOURS.')
param idempotencyRetentionHours string = '24'

@description('How long a rotated webhook secret keeps signing. Azd: WEBHOOK_SECRET_GRACE_HOURS.')
param webhookSecretGraceHours string = '24'

@description('Webhook delivery attempt schedule (comma-separated seconds). Azd: WEBHOOK_RETRY_SCHEDULE_SECONDS.')
param webhookRetryScheduleSeconds string = '0,5,300,1800,7200,18000,36000,36000'

@description('An endpoint failing every delivery this many days is disabled. Azd: WEBHOOK_DISABLE_AFTER_FAILING_DAYS.')
param webhookDisableAfterFailingDays string = '5'

@description('Webhook deliveries are purged this many days after creation. Azd: DELIVERY_RETENTION_DAYS.')
param deliveryRetentionDays string = '30'

@description('Re-sends of a poisoned notification (comma-separated seconds). Azd: NOTIFICATION_REDRIVE_DELAYS_SECONDS.')
param notificationRedriveDelaysSeconds string = '300,1800,7200,21600'

@description('Reconciliation timer (six-field NCRONTAB, UTC). Azd: RECONCILE_SCHEDULE.')
param reconcileSchedule string = '0 */5 * * * *'

@description('Backoff between reconciliation cancel attempts (comma-separated seconds). Azd: RECONCILE_RETRY_DELAYS_SECONDS.')
param reconcileRetryDelaysSeconds string = '60,300,1800,7200'

@description('The origin of the gateway as Graph reaches it (https); empty: the Outlook feed is off. Azd: FEED_NOTIFICATION_BASE_URL.')
param feedNotificationBaseUrl string = ''

@description('Feed timer: creates and renews Graph subscriptions (six-field NCRONTAB, UTC). Azd: FEED_RENEWAL_SCHEDULE.')
param feedRenewalSchedule string = '0 */15 * * * *'

@minValue(1)
@maxValue(1000)
@description('Flex Consumption maximum instance count.')
param maximumInstanceCount int = 100

@allowed([
  512
  2048
  4096
])
@description('Flex Consumption instance memory (MB).')
param instanceMemoryMB int = 2048

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = !empty(apiServiceName) ? apiServiceName : '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentStorageContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'
var useClientSecret = !empty(graphClientSecret)
var effectiveTenantId = !empty(gatewayTenantId) ? gatewayTenantId : tenant().tenantId
var tenantPolicy = empty(tenantPolicyBase64) ? '{}' : base64ToString(tenantPolicyBase64)

resource rg 'Microsoft.Resources/resourceGroups@2021-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The identity the function app runs as: Storage, Application Insights, Key Vault and (by default) Graph.
module apiUserAssignedIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'apiUserAssignedIdentity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: !empty(apiUserAssignedIdentityName) ? apiUserAssignedIdentityName : '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
  }
}

module appServicePlan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: 'appserviceplan'
  scope: rg
  params: {
    name: !empty(appServicePlanName) ? appServicePlanName : '${abbrs.webServerFarms}${resourceToken}'
    sku: {
      name: 'FC1'
      tier: 'FlexConsumption'
    }
    reserved: true
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: !empty(storageAccountName) ? storageAccountName : '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    deploymentStorageContainerName: deploymentStorageContainerName
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: !empty(logAnalyticsName) ? logAnalyticsName : '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: !empty(applicationInsightsName) ? applicationInsightsName : '${abbrs.insightsComponents}${resourceToken}'
  }
}

module keyVault 'app/keyvault.bicep' = if (useClientSecret) {
  name: 'keyvault'
  scope: rg
  params: {
    name: !empty(keyVaultName) ? keyVaultName : '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    secretName: 'graph-client-secret'
    secretValue: graphClientSecret
    readerPrincipalId: apiUserAssignedIdentity.outputs.principalId
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbacAssignments'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.applicationInsightsName
    managedIdentityPrincipalId: apiUserAssignedIdentity.outputs.principalId
    userIdentityPrincipalId: grantDeployerDataAccess ? principalId : ''
    userIdentityPrincipalType: principalType
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  dependsOn: [
    rbac
  ]
  params: {
    name: functionAppName
    location: location
    tags: tags
    appServicePlanId: appServicePlan.outputs.resourceId
    runtimeName: 'node'
    runtimeVersion: '22'
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    storageAccountName: storage.outputs.name
    deploymentStorageContainerName: deploymentStorageContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityId: apiUserAssignedIdentity.outputs.resourceId
    identityClientId: apiUserAssignedIdentity.outputs.clientId
    gatewayTenantId: effectiveTenantId
    gatewayApiClientId: gatewayApiClientId
    gatewayApiAppIdUri: gatewayApiAppIdUri
    graphClientId: graphClientId
    graphClientSecretUri: useClientSecret ? keyVault!.outputs.secretUri : ''
    tenantPolicy: tenantPolicy
    bookingDefaultCancellationMessage: bookingDefaultCancellationMessage
    cancelVerifyDelaySeconds: cancelVerifyDelaySeconds
    idempotencyRetentionHours: idempotencyRetentionHours
    webhookSecretGraceHours: webhookSecretGraceHours
    webhookRetryScheduleSeconds: webhookRetryScheduleSeconds
    webhookDisableAfterFailingDays: webhookDisableAfterFailingDays
    deliveryRetentionDays: deliveryRetentionDays
    notificationRedriveDelaysSeconds: notificationRedriveDelaysSeconds
    reconcileSchedule: reconcileSchedule
    reconcileRetryDelaysSeconds: reconcileRetryDelaysSeconds
    feedNotificationBaseUrl: feedNotificationBaseUrl
    feedRenewalSchedule: feedRenewalSchedule
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.SERVICE_API_NAME
output SERVICE_API_URI string = api.outputs.SERVICE_API_URI
output AZURE_FUNCTION_NAME string = api.outputs.SERVICE_API_NAME
output API_IDENTITY_CLIENT_ID string = apiUserAssignedIdentity.outputs.clientId
output API_IDENTITY_PRINCIPAL_ID string = apiUserAssignedIdentity.outputs.principalId
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_KEY_VAULT_NAME string = useClientSecret ? keyVault!.outputs.name : ''
