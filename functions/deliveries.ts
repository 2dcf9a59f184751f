import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import { systemClock } from '../src/domain/ports/clock';
import {
    listDeliveriesHandler,
    recoverSubscriptionHandler,
    replayDeliveryHandler,
} from '../src/http/handlers/deliveries';
import { ownRoutes } from '../src/http/routes/routeTable';

const { tokens, deliveries, subscriptionStore, deliver } = getServices();
const deps = { tokens, deliveries, subscriptions: subscriptionStore, queue: deliver.queue, clock: systemClock };

app.http('listDeliveries', {
    methods: ['GET'],
    authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
    route: ownRoutes.deliveries,
    handler: listDeliveriesHandler(deps),
});

app.http('replayDelivery', {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: ownRoutes.deliveryReplay,
    handler: replayDeliveryHandler(deps),
});

app.http('recoverSubscription', {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: ownRoutes.subscriptionRecover,
    handler: recoverSubscriptionHandler(deps),
});
