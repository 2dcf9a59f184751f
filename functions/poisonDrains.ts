import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { notificationsQueueName } from '../src/adapters/queues/notificationQueue';
import { getServices } from '../src/composition/services';
import {
    listParkedNotificationsHandler,
    redriveParkedNotificationHandler,
} from '../src/http/handlers/parkedNotifications';
import { ownRoutes } from '../src/http/routes/routeTable';
import { deliveryPoisonHandler, notificationPoisonHandler } from '../src/triggers/poisonDrains';

const { config, tokens, poisonDrain } = getServices();

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

const parkedDeps = { tokens, ...poisonDrain };

app.http('listParkedNotifications', {
    methods: ['GET'],
    authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
    route: ownRoutes.parkedNotifications,
    handler: listParkedNotificationsHandler(parkedDeps),
});

app.http('redriveParkedNotification', {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: ownRoutes.parkedNotificationRedrive,
    handler: redriveParkedNotificationHandler(parkedDeps),
});
