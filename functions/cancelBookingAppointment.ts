import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { cancelAppointmentHandler } from '../src/http/handlers/cancelAppointment';
import { bookingCancelRoutes } from '../src/http/routes/routeTable';

const services = getServices();

for (const route of bookingCancelRoutes) {
    app.http(route.name, {
        methods: ['POST'],
        authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
        route: route.route,
        handler: cancelAppointmentHandler(route, {
            ...services,
            defaultCancellationMessage: services.config.cancellation.defaultBookingMessage,
        }),
    });
}
