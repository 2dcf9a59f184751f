import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { reconcileNowHandler } from '../src/http/handlers/reconcile';
import { ownRoutes } from '../src/http/routes/routeTable';
import { reconcileTimerHandler } from '../src/triggers/reconcileTimer';

const { config, tokens, reconcile } = getServices();

app.timer('reconcileTimer', {
    // Six-field NCRONTAB from the RECONCILE_SCHEDULE setting, resolved by the host.
    schedule: '%RECONCILE_SCHEDULE%',
    runOnStartup: config.reconcile.runOnStartup,
    handler: reconcileTimerHandler(config.tenantId, reconcile),
});

app.http('reconcileNow', {
    methods: ['POST'],
    authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
    route: ownRoutes.reconcile,
    handler: reconcileNowHandler({ tokens, reconcile }),
});
