import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { notificationsQueueName } from '../src/adapters/queues/notificationQueue';
import { getServices } from '../src/composition/services';
import { deliveryPoisonHandler, notificationPoisonHandler } from '../src/triggers/poisonDrains';

const { config, poisonDrain } = getServices();

// The host moves a message here after `maxDequeueCount` failed tries (host.json); these functions give it a state.
app.storageQueue('webhookDeliveryPoison', {
    queueName: `${deliveryQueueNames.first}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: deliveryPoisonHandler(poisonDrain),
});

app.storageQueue('webhookDeliveryRetryPoison', {
    queueName: `${deliveryQueueNames.retry}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: deliveryPoisonHandler(poisonDrain),
});

app.storageQueue('notificationFanOutPoison', {
    queueName: `${notificationsQueueName}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: notificationPoisonHandler(config.tenantId, poisonDrain),
});
