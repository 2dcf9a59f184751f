import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';
import { graphLifecycleQueueName } from '../src/domain/feed/queueNames';

// The feed's HTTP endpoints (graph/notifications, graph/lifecycle) are manifest routes (functions/httpRoutes.ts).
checkSettingsAtLoad();

app.timer('graphFeedTimer', {
    // Six-field NCRONTAB from the FEED_RENEWAL_SCHEDULE setting, resolved by the host.
    schedule: '%FEED_RENEWAL_SCHEDULE%',
    handler: handlerOnFirstUse(() => firstUseCode().graphFeedTimerHandler()),
});

app.storageQueue('graphLifecycleWorker', {
    queueName: graphLifecycleQueueName,
    connection: 'AzureWebJobsStorage',
    handler: handlerOnFirstUse(() => firstUseCode().graphLifecycleWorkerHandler()),
});
