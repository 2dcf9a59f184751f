import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { cancellationJobsQueueName } from '../src/adapters/queues/cancellationJobQueue';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';

checkSettingsAtLoad();

app.storageQueue('cancellationJobWorker', {
    queueName: cancellationJobsQueueName,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().cancellationJobWorkerHandler()),
});
