import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { reconcileTimerHandler } from '../src/triggers/reconcileTimer';

const { config, reconcile, cancellationJobs } = getServices();

app.timer('reconcileTimer', {
    // Six-field NCRONTAB from the RECONCILE_SCHEDULE setting, resolved by the host.
    schedule: '%RECONCILE_SCHEDULE%',
    runOnStartup: config.reconcile.runOnStartup,
    handler: reconcileTimerHandler(config.tenantId, reconcile, cancellationJobs.events),
});
