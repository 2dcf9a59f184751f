import '../src/observability/telemetryBootstrap';
import { app, type HttpMethod } from '@azure/functions';
import { checkSettingsAtLoad } from '../src/composition/appConfig';
import { firstUseCode } from '../src/composition/firstUseCode';
import { handlerOnFirstUse } from '../src/composition/onFirstUse';
import { routeRegistrations } from '../src/http/routes/routeList';

checkSettingsAtLoad();

// Every route of the manifest, one function each, from its light list (src/http/routes/routeList.ts, generated from
// the manifest): the manifest, its handlers and schemas load on the first call.
for (const route of routeRegistrations) {
    app.http(route.name, {
        methods: [route.method],
        authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself (or the route is public)
        route: route.template,
        handler: handlerOnFirstUse(() => firstUseCode().httpRouteHandler(route.name)),
    });
}

const everyMethod: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

// The lowest-precedence route: catches what no other function serves, for Graph-style 404 and 405 answers.
app.http('notFound', {
    methods: everyMethod,
    authLevel: 'anonymous',
    route: '{*path}',
    handler: handlerOnFirstUse(() => firstUseCode().notFoundHandler()),
});
