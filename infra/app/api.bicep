// The gateway's function app on Flex Consumption, running as a user-assigned managed identity.
// App settings: every setting src/config/schema.ts reads (production values), the identity-based
// AzureWebJobsStorage connection, and Application Insights with Entra ID auth. test/infra/settings.test.ts
// reads the names between the app-settings markers below and compares them with the schema and
// local.settings.sample.json: keep one `NAME: value` per line there.

param name string
param location string = resourceGroup().location
param tags object = {}
param serviceName string = 'api'
param appServicePlanId string
param runtimeName string = 'node'
param runtimeVersion string = '22'
param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100
param storageAccountName string
param deploymentStorageContainerName string
param applicationInsightsName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity: Storage, Application Insights and (managedIdentity) Graph use it.')
param identityClientId string

param gatewayTenantId string
param gatewayApiClientId string
param gatewayApiAppIdUri string

@description('Entra ID authority host (token issuer v2, OIDC metadata, Graph credential).')
param authAuthorityHost string = 'https://login.microsoftonline.com'

@description('Host of v1 token issuers (https://sts.windows.net/{tid}/).')
param authV1IssuerHost string = 'https://sts.windows.net'

@description('Microsoft Graph root (/v1.0 and /beta are appended).')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('Comma-separated host names allowed as authority or Graph host besides the national clouds\' (a sovereign cloud).')
param customCloudHosts string = ''

@description('Client id of the Graph app registration; only used with graphClientSecretUri.')
param graphClientId string = ''

@description('Key Vault secret URI of the Graph client secret. Empty: the app calls Graph as its managed identity.')
param graphClientSecretUri string = ''

@description('Tenant policy document (JSON).')
param tenantPolicy string = '{}'

// Settings people tune: main.bicep parameters (azd environment values through main.parameters.json), so that
// `azd provision` keeps them instead of resetting them to a literal here.

@description('Sent to customers when a booking cancel gives no cancellationMessage. (BOOKING_DEFAULT_CANCELLATION_MESSAGE)')
param bookingDefaultCancellationMessage string

@description('Delay before reconciliation first re-verifies an accepted cancellation. (CANCEL_VERIFY_DELAY_SECONDS)')
param cancelVerifyDelaySeconds string

@description('How long Idempotency-Keys are kept and replayed (at least 24). (IDEMPOTENCY_RETENTION_HOURS)')
param idempotencyRetentionHours string

@description('How long a rotated webhook secret keeps signing. (WEBHOOK_SECRET_GRACE_HOURS)')
param webhookSecretGraceHours string

@description('Webhook delivery attempt schedule (comma-separated seconds). (WEBHOOK_RETRY_SCHEDULE_SECONDS)')
param webhookRetryScheduleSeconds string

@description('An endpoint failing every delivery this many days is disabled. (WEBHOOK_DISABLE_AFTER_FAILING_DAYS)')
param webhookDisableAfterFailingDays string

@description('Webhook deliveries are purged this many days after creation. (DELIVERY_RETENTION_DAYS)')
param deliveryRetentionDays string

@description('Re-sends of a poisoned notification (comma-separated seconds). (NOTIFICATION_REDRIVE_DELAYS_SECONDS)')
param notificationRedriveDelaysSeconds string

@description('Reconciliation timer (six-field NCRONTAB, UTC). (RECONCILE_SCHEDULE)')
param reconcileSchedule string

@description('Backoff between reconciliation cancel attempts (comma-separated seconds). (RECONCILE_RETRY_DELAYS_SECONDS)')
param reconcileRetryDelaysSeconds string

@description('The origin of the gateway as Graph reaches it; empty: the Outlook feed is off. (FEED_NOTIFICATION_BASE_URL)')
param feedNotificationBaseUrl string

@description('Feed timer: creates and renews Graph subscriptions (six-field NCRONTAB, UTC). (FEED_RENEWAL_SCHEDULE)')
param feedRenewalSchedule string

var useClientSecret = !empty(graphClientSecretUri)

resource stg 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// app-settings:begin
// Every setting src/config/schema.ts declares, with its production value.
var gatewaySettings = {
  GATEWAY_ENVIRONMENT: 'production'
  GATEWAY_TENANT_ID: gatewayTenantId
  GATEWAY_API_CLIENT_ID: gatewayApiClientId
  GATEWAY_API_APP_ID_URI: gatewayApiAppIdUri
  AUTH_AUTHORITY_HOST: authAuthorityHost
  AUTH_V1_ISSUER_HOST: authV1IssuerHost
  AUTH_CLOCK_SKEW_SECONDS: '60'
  GRAPH_BASE_URL: graphBaseUrl
  CUSTOM_CLOUD_HOSTS: customCloudHosts
  GRAPH_CREDENTIAL: useClientSecret ? 'clientSecret' : 'managedIdentity'
  GRAPH_CLIENT_ID: useClientSecret ? graphClientId : identityClientId
  GRAPH_TIMEOUT_MS: '10000'
  GRAPH_RETRY_DEADLINE_MS: '20000'
  DIRECTORY_CACHE_TTL_SECONDS: '60'
  HEALTH_PROBE_TIMEOUT_MS: '3000'
  HEALTH_CACHE_MS: '5000'
  TENANT_POLICY: tenantPolicy
  BOOKING_DEFAULT_CANCELLATION_MESSAGE: bookingDefaultCancellationMessage
  CANCEL_VERIFY_DELAY_SECONDS: cancelVerifyDelaySeconds
  CANCEL_PENDING_GRACE_SECONDS: '600'
  IDEMPOTENCY_RETENTION_HOURS: idempotencyRetentionHours
  IDEMPOTENCY_LOCK_SECONDS: '120'
  WEBHOOK_ALLOW_LOOPBACK: 'false'
  WEBHOOK_TIMEOUT_MS: '15000'
  WEBHOOK_DNS_TIMEOUT_MS: '5000'
  WEBHOOK_MAX_RESPONSE_BYTES: '65536'
  WEBHOOK_SECRET_GRACE_HOURS: webhookSecretGraceHours
  WEBHOOK_RETRY_SCHEDULE_SECONDS: webhookRetryScheduleSeconds
  WEBHOOK_DISABLE_AFTER_FAILING_DAYS: webhookDisableAfterFailingDays
  DELIVERY_RETENTION_DAYS: deliveryRetentionDays
  NOTIFICATION_REDRIVE_DELAYS_SECONDS: notificationRedriveDelaysSeconds
  RECONCILE_SCHEDULE: reconcileSchedule
  RECONCILE_RUN_ON_STARTUP: 'false'
  RECONCILE_BUDGET_SECONDS: '240'
  RECONCILE_MAX_CANCEL_ATTEMPTS: '3'
  RECONCILE_MAX_BATCHES_IN_FLIGHT: '64'
  RECONCILE_RETRY_DELAYS_SECONDS: reconcileRetryDelaysSeconds
  BULK_MESSAGES_PER_MINUTE: '30'
  BULK_RECIPIENTS_PER_DAY: '10000'
  BULK_MAX_RUNNING_JOBS: '40'
  FEED_NOTIFICATION_BASE_URL: feedNotificationBaseUrl
  FEED_SUBSCRIPTION_LIFETIME_MINUTES: '4230'
  FEED_RENEWAL_SCHEDULE: feedRenewalSchedule
  FEED_WINDOW_DAYS: '90'
  FEED_BOOKINGS_SCHEDULE: '0 */5 * * * *'
  FEED_BOOKINGS_WINDOW_DAYS: '90'
}

// Only with a client secret: a Key Vault reference, resolved with the user-assigned identity (keyVaultReferenceIdentity).
var graphSecretSettings = useClientSecret ? {
  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${graphClientSecretUri})'
} : {}

// The AzureWebJobsStorage connection, identity-based (shared keys are disabled on the account).
var storageConnectionSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: stg.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: stg.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: stg.properties.primaryEndpoints.table
}

// Application Insights with Entra ID auth (local auth is disabled on the component).
var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Host settings (not read by the gateway's code).
var hostSettings = {
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '1048576'
}
// app-settings:end

var appSettings = union(gatewaySettings, graphSecretSettings, storageConnectionSettings, monitoringSettings, hostSettings)

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: appServicePlanId
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${stg.properties.primaryEndpoints.blob}${deploymentStorageContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output SERVICE_API_NAME string = functionApp.name
output SERVICE_API_URI string = 'https://${functionApp.properties.defaultHostName}'
