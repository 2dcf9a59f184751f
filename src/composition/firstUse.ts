/* eslint-disable @typescript-eslint/no-require-imports -- each function's code is required when it first runs */
import type * as NotFound from '../http/handlers/notFound';
import type { EdgeHandler } from '../http/handle';
import type * as Manifest from '../http/routes/manifest';
import type * as RouteTable from '../http/routes/routeTable';
import type * as ServeRoute from '../http/routes/serveRoute';
import type * as BookingsPollTimer from '../triggers/bookingsPollTimer';
import type * as CancellationJobWorker from '../triggers/cancellationJobWorker';
import type * as FeedChangeWorker from '../triggers/feedChangeWorker';
import type * as GraphFeedTimer from '../triggers/graphFeedTimer';
import type * as GraphLifecycleWorker from '../triggers/graphLifecycleWorker';
import type * as NotificationFanOut from '../triggers/notificationFanOut';
import type * as PoisonDrains from '../triggers/poisonDrains';
import type * as PurgeDeliveriesTimer from '../triggers/purgeDeliveriesTimer';
import type * as PurgeIdempotencyTimer from '../triggers/purgeIdempotencyTimer';
import type * as ReconcileTimer from '../triggers/reconcileTimer';
import type * as WebhookDelivery from '../triggers/webhookDelivery';
import type * as ServicesModule from './services';
import type { Services } from './services';

/**
 * What the function entries (`functions/*.ts`) build on a function's first call: its handler, from its own modules
 * and the composition root. Nothing here runs at load: the entries reach this module through `firstUseCode()`
 * (firstUseCode.ts), and each builder requires only the modules of its function, so a cancel loads no queue or timer
 * code and a timer no HTTP schema. In the deployed bundle this module is the entry of the first-use chunk
 * (`chunks/firstUse.js`, dev/package/bundle.ts), with the SDKs, jose and zod's HTTP schemas.
 */

let built: Services | undefined;

const services = (): Services => (built ??= (require('./services') as typeof ServicesModule).getServices());

/** The services if a function has built them in this worker (appTerminate drains their relay), else undefined. */
export function builtServices(): Services | undefined {
    return built;
}

/** The handler of the manifest route named `name` (its entry in src/http/routes/manifest.ts). */
export function httpRouteHandler(name: string): EdgeHandler {
    const { httpRoutes } = require('../http/routes/manifest') as typeof Manifest;
    const { serveRoute } = require('../http/routes/serveRoute') as typeof ServeRoute;
    const route = httpRoutes.find((candidate) => candidate.name === name);
    if (!route) throw new Error(`route ${name} is not in the manifest: regenerate src/http/routes/routeList.ts`);
    return serveRoute(route, services());
}

/** The catch-all's 404/405 answers: no services, no manifest (the route table comes from the light list). */
export function notFoundHandler(): EdgeHandler {
    const { routeTable } = require('../http/routes/routeTable') as typeof RouteTable;
    return (require('../http/handlers/notFound') as typeof NotFound).notFoundHandler(routeTable);
}

export function cancellationJobWorkerHandler() {
    const { cancellationJobs, poison } = services();
    return (require('../triggers/cancellationJobWorker') as typeof CancellationJobWorker).cancellationJobWorkerHandler(
        cancellationJobs.run,
        poison.cancellationJobs,
    );
}

export function cancellationJobPoisonHandler() {
    const { cancellationJobs } = services();
    return (require('../triggers/poisonDrains') as typeof PoisonDrains).cancellationJobPoisonHandler(
        cancellationJobs.run,
    );
}

export function notificationFanOutHandler() {
    const { fanOut, poison } = services();
    return (require('../triggers/notificationFanOut') as typeof NotificationFanOut).notificationFanOutHandler(
        fanOut,
        poison.notifications,
    );
}

export function deliveryPoisonHandler() {
    const { poisonDrain } = services();
    return (require('../triggers/poisonDrains') as typeof PoisonDrains).deliveryPoisonHandler(poisonDrain);
}

export function notificationPoisonHandler() {
    const { config, poisonDrain } = services();
    return (require('../triggers/poisonDrains') as typeof PoisonDrains).notificationPoisonHandler(
        config.tenantId,
        poisonDrain,
    );
}

export function purgeDeliveriesTimerHandler() {
    const { config, deliveries } = services();
    return (require('../triggers/purgeDeliveriesTimer') as typeof PurgeDeliveriesTimer).purgeDeliveriesTimerHandler(
        config.tenantId,
        deliveries,
        config.webhooks.deliveryRetentionMs,
    );
}

export function purgeIdempotencyTimerHandler() {
    const { idempotency } = services();
    return (require('../triggers/purgeIdempotencyTimer') as typeof PurgeIdempotencyTimer).purgeIdempotencyTimerHandler(
        idempotency.store,
    );
}

export function reconcileTimerHandler() {
    const { config, reconcile, cancellationJobs } = services();
    return (require('../triggers/reconcileTimer') as typeof ReconcileTimer).reconcileTimerHandler(
        config.tenantId,
        reconcile,
        cancellationJobs.events,
    );
}

export function webhookDeliveryHandler(lane: 'first' | 'retry') {
    const { deliver, poison } = services();
    return (require('../triggers/webhookDelivery') as typeof WebhookDelivery).webhookDeliveryHandler(
        deliver,
        poison.deliveries[lane],
    );
}

export function graphFeedTimerHandler() {
    const { feed } = services();
    return (require('../triggers/graphFeedTimer') as typeof GraphFeedTimer).graphFeedTimerHandler(feed.renewal);
}

export function graphLifecycleWorkerHandler() {
    const { feed } = services();
    return (require('../triggers/graphLifecycleWorker') as typeof GraphLifecycleWorker).graphLifecycleWorkerHandler(
        feed.lifecycle,
        feed.lifecyclePoison,
    );
}

export function feedChangeWorkerHandler() {
    const { feedChanges, poison } = services();
    return (require('../triggers/feedChangeWorker') as typeof FeedChangeWorker).feedChangeWorkerHandler(
        feedChanges,
        poison.feedChanges,
    );
}

export function bookingsPollTimerHandler() {
    const { bookingsPoll } = services();
    return (require('../triggers/bookingsPollTimer') as typeof BookingsPollTimer).bookingsPollTimerHandler(
        bookingsPoll,
    );
}
