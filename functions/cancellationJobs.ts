import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { cancellationJobsQueueName } from '../src/adapters/queues/cancellationJobQueue';
import { getServices } from '../src/composition/services';
import { cancellationJobWorkerHandler } from '../src/triggers/cancellationJobWorker';

const { cancellationJobs, poison } = getServices();

app.storageQueue('cancellationJobWorker', {
    queueName: cancellationJobsQueueName,
    connection: 'AzureWebJobsStorage',
    handler: cancellationJobWorkerHandler(cancellationJobs.run, poison.cancellationJobs),
});
