import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

// Two lanes, one function each: the host gives each function its own batch of concurrent messages (host.json
// batchSize + newBatchThreshold), so retries and failing endpoints, waiting out WEBHOOK_TIMEOUT_MS on the retry
// lane, never hold a slot that a healthy endpoint's first attempt needs.
app.storageQueue('webhookDelivery', {
    queueName: deliveryQueueNames.first,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().webhookDeliveryHandler('first')),
});

app.storageQueue('webhookDeliveryRetry', {
    queueName: deliveryQueueNames.retry,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().webhookDeliveryHandler('retry')),
});
