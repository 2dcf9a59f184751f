import type { Delivery, DeliveryStore } from '../../domain/webhooks/delivery';
import { listVisibleDeliveries, visibleDelivery, visibleSubscription } from '../../domain/webhooks/deliveryAccess';
import { recoverSubscription, replayDelivery, type ReplayDeps } from '../../domain/webhooks/replay';
import type { SubscriptionStore } from '../../domain/webhooks/subscription';
import { subscriptionManager } from '../../domain/webhooks/subscriptionAccess';
import { NotFoundError } from '../../errors/appError';
import { routeId } from '../ids';
import { nextLink } from '../nextLink';
import type { RouteHandler } from '../routes/contract';
import type { DeliveriesQuery, DeliveryList, DeliveryView, RecoverBody, Recovered } from '../schemas';

/**
 * Operators of webhooks: whoever manages subscriptions (their own subscriptions' deliveries), and administrators
 * (every delivery of the tenant); the manifest checks the permission, `subscriptionManager` decides what they see.
 */
export interface DeliveriesDeps extends ReplayDeps {
    readonly deliveries: DeliveryStore;
    readonly subscriptions: SubscriptionStore;
}

function deliveryView(delivery: Delivery): DeliveryView {
    return {
        id: delivery.id,
        subscriptionId: delivery.subscriptionId,
        ...(delivery.cancellationId === undefined ? {} : { cancellationId: delivery.cancellationId }),
        ...(delivery.jobId === undefined ? {} : { jobId: delivery.jobId }),
        eventType: delivery.eventType,
        state: delivery.state,
        attempts: delivery.attempts,
        createdDateTime: delivery.createdAt,
        lastAttemptDateTime: delivery.lastAttemptAt,
        nextAttemptDateTime: delivery.nextAttemptAt,
        lastStatus: delivery.lastStatus,
        lastError: delivery.lastError,
    };
}

/**
 * `GET /api/deliveries?state=failed&subscriptionId=&since=&$top=&$skiptoken=`: webhook deliveries of the caller's
 * subscriptions (an administrator's: of the tenant), newest first, a page at a time (`@odata.nextLink` names the next).
 */
export function listDeliveriesHandler(deps: DeliveriesDeps): RouteHandler<undefined, DeliveriesQuery, DeliveryList> {
    return async ({ request, caller, query }) => {
        const { state, subscriptionId, since, $top, $skiptoken } = query;
        const page = await listVisibleDeliveries(
            subscriptionManager(caller),
            {
                state,
                subscriptionId,
                since: since ? new Date(since).toISOString() : undefined,
                pageSize: $top ?? 50,
                continuationToken: $skiptoken,
            },
            deps,
        );
        return {
            status: 200,
            jsonBody: { value: page.items.map(deliveryView), ...nextLink(request, page.continuationToken) },
        };
    };
}

/** `POST /api/deliveries/{id}/replay`: sends the delivery again from its first attempt; 404 for another's. */
export function replayDeliveryHandler(deps: DeliveriesDeps): RouteHandler<undefined, undefined, DeliveryView> {
    return async ({ caller, params }) => {
        const id = routeId(params.id);
        const stored = await visibleDelivery(subscriptionManager(caller), id, deps);
        if (!stored) throw new NotFoundError(`Delivery '${id}' was not found.`, 'itemNotFound');
        const replayed = await replayDelivery(stored, deps);
        return { status: 202, jsonBody: deliveryView(replayed) };
    };
}

/**
 * `POST /api/subscriptions/{id}/recover {since}`: resends every failed delivery of the subscription since then; 404
 * for another's subscription.
 */
export function recoverSubscriptionHandler(deps: DeliveriesDeps): RouteHandler<RecoverBody, undefined, Recovered> {
    return async ({ caller, params, body }) => {
        const manager = subscriptionManager(caller);
        const id = routeId(params.id);
        if (!(await visibleSubscription(manager, id, deps))) {
            throw new NotFoundError(`Subscription '${id}' was not found.`, 'itemNotFound');
        }
        const replayed = await recoverSubscription(
            manager.owner.tenantId,
            id,
            new Date(body.since).toISOString(),
            deps,
        );
        return { status: 202, jsonBody: { replayed } };
    };
}
