import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCodeIfLoaded } from '../src/composition/firstUseCode';
import { log } from '../src/observability/logger';

checkSettingsAtLoad();

/** Well inside the worker's shutdown grace; a send cut short stays flagged for reconciliation. */
const relayDrainTimeoutMs = 5_000;

app.hook.appTerminate(async () => {
    // A worker that never ran a function has built no services and has nothing to drain: load nothing then.
    const left = (await firstUseCodeIfLoaded()?.builtServices()?.notificationRelay.drain(relayDrainTimeoutMs)) ?? 0;
    if (left > 0) log.warn(`shutdown: ${left} notification(s) left for reconciliation`);
});
