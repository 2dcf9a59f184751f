import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { healthHandler } from '../src/http/handlers/health';
import { ownRoutes } from '../src/http/routes/routeTable';

const { healthProbes, config } = getServices();

app.http('health', {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: ownRoutes.health,
    handler: healthHandler(healthProbes, config.health.probeTimeoutMs),
});
