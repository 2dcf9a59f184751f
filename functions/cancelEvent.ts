import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { cancelEventHandler } from '../src/http/handlers/cancelEvent';
import { eventCancelRoutes } from '../src/http/routes/eventCancelRoutes';

const services = getServices();

// One registration per Graph route form (me / users / groups × events, calendar, calendars, calendarGroups, …),
// all served by the same handler so each form behaves the same.
for (const route of eventCancelRoutes) {
    app.http(route.name, {
        methods: ['POST'],
        authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
        route: route.route,
        handler: cancelEventHandler(route, services),
    });
}
