import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { notFoundHandler } from '../src/http/handlers/notFound';
import { routeTable } from '../src/http/routes/routeTable';

/** Must match host.json `extensions.http.routePrefix`. */
const routePrefix = 'api';

// The lowest-precedence route: catches what no other function serves, for Graph-style 404 and 405 answers.
app.http('notFound', {
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    authLevel: 'anonymous',
    route: '{*path}',
    handler: notFoundHandler(routeTable, routePrefix),
});
