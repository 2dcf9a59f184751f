import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';
import { graphChangesQueueName } from '../src/domain/feed/queueNames';

checkSettingsAtLoad();

app.storageQueue('feedChangeWorker', {
    queueName: graphChangesQueueName,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().feedChangeWorkerHandler()),
});
