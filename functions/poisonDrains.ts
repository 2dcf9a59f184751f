import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { cancellationJobsQueueName } from '../src/adapters/queues/cancellationJobQueue';
import { deliveryQueueNames } from '../src/adapters/queues/deliveryQueue';
import { notificationsQueueName } from '../src/adapters/queues/notificationsQueueName';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

// The host moves a message here after `maxDequeueCount` failed tries (host.json); these functions give it a state.
app.storageQueue('webhookDeliveryPoison', {
    queueName: `${deliveryQueueNames.first}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().deliveryPoisonHandler()),
});

app.storageQueue('webhookDeliveryRetryPoison', {
    queueName: `${deliveryQueueNames.retry}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().deliveryPoisonHandler()),
});

app.storageQueue('notificationFanOutPoison', {
    queueName: `${notificationsQueueName}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().notificationPoisonHandler()),
});

app.storageQueue('cancellationJobPoison', {
    queueName: `${cancellationJobsQueueName}-poison`,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().cancellationJobPoisonHandler()),
});
