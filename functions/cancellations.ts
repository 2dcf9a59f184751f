import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { getCancellationHandler, listCancellationsHandler } from '../src/http/handlers/cancellations';
import { ownRoutes } from '../src/http/routes/routeTable';

const { tokens, cancellationStore } = getServices();

app.http('getCancellation', {
    methods: ['GET'],
    authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
    route: ownRoutes.cancellation,
    handler: getCancellationHandler({ tokens, store: cancellationStore }),
});

app.http('listCancellations', {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: ownRoutes.cancellations,
    handler: listCancellationsHandler({ tokens, store: cancellationStore }),
});
