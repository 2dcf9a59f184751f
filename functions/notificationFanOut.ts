import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { notificationsQueueName } from '../src/adapters/queues/notificationsQueueName';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

app.storageQueue('notificationFanOut', {
    queueName: notificationsQueueName,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().notificationFanOutHandler()),
});
