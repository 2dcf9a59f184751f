import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { graphLifecycleQueueName } from '../src/adapters/queues/lifecycleQueue';
import { getServices } from '../src/composition/services';
import { graphFeedTimerHandler } from '../src/triggers/graphFeedTimer';
import { graphLifecycleWorkerHandler } from '../src/triggers/graphLifecycleWorker';

// The feed's HTTP endpoints (graph/notifications, graph/lifecycle) are manifest routes (functions/httpRoutes.ts).
const { feed } = getServices();

app.timer('graphFeedTimer', {
    // Six-field NCRONTAB from the FEED_RENEWAL_SCHEDULE setting, resolved by the host.
    schedule: '%FEED_RENEWAL_SCHEDULE%',
    handler: graphFeedTimerHandler(feed.renewal),
});

app.storageQueue('graphLifecycleWorker', {
    queueName: graphLifecycleQueueName,
    connection: 'AzureWebJobsStorage',
    handler: graphLifecycleWorkerHandler(feed.lifecycle, feed.lifecyclePoison),
});
