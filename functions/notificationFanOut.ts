import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { notificationsQueueName } from '../src/adapters/queues/notificationQueue';
import { getServices } from '../src/composition/services';
import { notificationFanOutHandler } from '../src/triggers/notificationFanOut';

const { fanOut, poison } = getServices();

app.storageQueue('notificationFanOut', {
    queueName: notificationsQueueName,
    connection: 'AzureWebJobsStorage',
    handler: notificationFanOutHandler(fanOut, poison.notifications),
});
