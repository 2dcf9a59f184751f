import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { healthHandler } from '../src/http/handlers/health';
import { ownRoutes } from '../src/http/routes/routeTable';

const { health, tokens } = getServices();

app.http('health', {
    methods: ['GET'],
    authLevel: 'anonymous', // the status is public; a valid token (checked by the gateway) adds the detail
    route: ownRoutes.health,
    handler: healthHandler({ tokens, health }),
});
