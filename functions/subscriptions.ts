import '../src/observability/telemetryBootstrap';
import { app } from '@azure/functions';
import { getServices } from '../src/composition/services';
import {
    createSubscriptionHandler,
    deleteSubscriptionHandler,
    getSubscriptionHandler,
    listSubscriptionsHandler,
    rotateSubscriptionSecretHandler,
    subscriptionRoutes,
    updateSubscriptionHandler,
} from '../src/http/handlers/subscriptions';

const { tokens, subscriptions } = getServices();
const deps = { tokens, subscriptions };

app.http('createSubscription', {
    methods: ['POST'],
    authLevel: 'anonymous', // the gateway validates Entra ID bearer tokens itself
    route: subscriptionRoutes.subscriptions,
    handler: createSubscriptionHandler(deps),
});

app.http('listSubscriptions', {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: subscriptionRoutes.subscriptions,
    handler: listSubscriptionsHandler(deps),
});

app.http('getSubscription', {
    methods: ['GET'],
    authLevel: 'anonymous',
    route: subscriptionRoutes.subscription,
    handler: getSubscriptionHandler(deps),
});

app.http('updateSubscription', {
    methods: ['PATCH'],
    authLevel: 'anonymous',
    route: subscriptionRoutes.subscription,
    handler: updateSubscriptionHandler(deps),
});

app.http('deleteSubscription', {
    methods: ['DELETE'],
    authLevel: 'anonymous',
    route: subscriptionRoutes.subscription,
    handler: deleteSubscriptionHandler(deps),
});

app.http('rotateSubscriptionSecret', {
    methods: ['POST'],
    authLevel: 'anonymous',
    route: subscriptionRoutes.rotateSecret,
    handler: rotateSubscriptionSecretHandler(deps),
});
