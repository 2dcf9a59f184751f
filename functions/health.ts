import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { healthHandler } from '../src/http/handlers/health';

const { healthProbes, config } = getServices();

app.http('health', {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: 'health',
    handler: healthHandler(healthProbes, config.health.probeTimeoutMs),
});
