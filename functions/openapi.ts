import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { openApiHandler } from '../src/http/handlers/openapi';

app.http('openApi', {
    methods: ['GET'],
    authLevel: 'anonymous', // the document describes the API; it holds no data
    route: 'openapi.json',
    handler: openApiHandler(),
});
