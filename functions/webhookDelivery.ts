import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { deliveriesQueueName } from '../src/adapters/queues/deliveryQueue';
import { getServices } from '../src/composition/services';
import { webhookDeliveryHandler } from '../src/triggers/webhookDelivery';

const { deliver, poison } = getServices();

app.storageQueue('webhookDelivery', {
    queueName: deliveriesQueueName,
    connection: 'AzureWebJobsStorage',
    handler: webhookDeliveryHandler(deliver, poison.deliveries),
});
