import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { getServices } from '../src/composition/services';
import { webhookDeliveryHandler } from '../src/triggers/webhookDelivery';

const { deliver, poison } = getServices();

// Two lanes, one function each: the host gives each function its own batch of concurrent messages (host.json
// batchSize + newBatchThreshold), so retries and failing endpoints, waiting out WEBHOOK_TIMEOUT_MS on the retry
// lane, never hold a slot that a healthy endpoint's first attempt needs.
app.storageQueue('webhookDelivery', {
    queueName: deliveryQueueNames.first,
    connection: 'AzureWebJobsStorage',
    handler: webhookDeliveryHandler(deliver, poison.deliveries.first),
});

app.storageQueue('webhookDeliveryRetry', {
    queueName: deliveryQueueNames.retry,
    connection: 'AzureWebJobsStorage',
    handler: webhookDeliveryHandler(deliver, poison.deliveries.retry),
});
