import '../src/observability/telemetryBootstrap';
import { app, type HttpMethod } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { notFoundHandler } from '../src/http/handlers/notFound';
import { httpRoutes } from '../src/http/routes/manifest';
import { routeTable } from '../src/http/routes/routeTable';
import { serveRoute } from '../src/http/routes/serveRoute';

const services = getServices();

// Every route of the manifest (src/http/routes/manifest.ts), one function each.
for (const route of httpRoutes) {
    app.http(route.name, {
        methods: [route.method],
        authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself (or the route is public)
        route: route.template,
        handler: serveRoute(route, services),
    });
}

const everyMethod: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

// The lowest-precedence route: catches what no other function serves, for Graph-style 404 and 405 answers.
app.http('notFound', {
    methods: everyMethod,
    authLevel: 'anonymous',
    route: '{*path}',
    handler: notFoundHandler(routeTable),
});
