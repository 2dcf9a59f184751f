import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { graphChangesQueueName } from '../src/domain/feed/changeMessage';
import { feedChangeWorkerHandler } from '../src/triggers/feedChangeWorker';

const { feedChanges, poison } = getServices();

app.storageQueue('feedChangeWorker', {
    queueName: graphChangesQueueName,
    connection: 'AzureWebJobsStorage',
    handler: feedChangeWorkerHandler(feedChanges, poison.feedChanges),
});
