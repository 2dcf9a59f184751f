import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { log } from '../src/observability/logger';

const { notificationRelay } = getServices();

/** Well inside the worker's shutdown grace; a send cut short stays flagged for reconciliation. */
const relayDrainTimeoutMs = 5_000;

app.hook.appTerminate(async () => {
    const left = await notificationRelay.drain(relayDrainTimeoutMs);
    if (left > 0) log.warn(`shutdown: ${left} notification(s) left for reconciliation`);
});
