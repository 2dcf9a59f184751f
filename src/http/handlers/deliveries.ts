import type { z } from 'zod';
import type { HttpRequest } from '@azure/functions';
import { requirePermissionOrAdministrator, routePermissions } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import type { Delivery, DeliveryStore } from '../../domain/webhooks/delivery';
import { listVisibleDeliveries, visibleDelivery, visibleSubscription } from '../../domain/webhooks/deliveryAccess';
import { recoverSubscription, replayDelivery, type ReplayDeps } from '../../domain/webhooks/replay';
import type { SubscriptionStore } from '../../domain/webhooks/subscription';
import { subscriptionManager, type SubscriptionManager } from '../../domain/webhooks/subscriptionAccess';
import { BadRequestError, NotFoundError } from '../../errors/appError';
import { readJsonObject } from '../body';
import { type EdgeHandler, handle } from '../handle';
import { routeId } from '../ids';
import { deliveriesListQuery as listQuery, recoverBody } from '../schemas';

export interface DeliveriesDeps extends ReplayDeps {
    readonly tokens: TokenValidator;
    readonly deliveries: DeliveryStore;
    readonly subscriptions: SubscriptionStore;
}

/**
 * Operators of webhooks: whoever manages subscriptions (their own subscriptions' deliveries), and administrators
 * (every delivery of the tenant).
 */
async function authorized(deps: DeliveriesDeps, request: HttpRequest): Promise<SubscriptionManager> {
    const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
    requirePermissionOrAdministrator(caller, routePermissions.subscriptions);
    return subscriptionManager(caller);
}

function deliveryView(delivery: Delivery) {
    return {
        id: delivery.id,
        subscriptionId: delivery.subscriptionId,
        cancellationId: delivery.cancellationId,
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

function invalid(error: z.ZodError): BadRequestError {
    const issue = error.issues[0];
    return new BadRequestError('invalidRequest', `Invalid '${issue?.path.join('.') || 'request'}': ${issue?.message}`);
}

/**
 * `GET /api/deliveries?state=failed&subscriptionId=&since=&$top=&$skiptoken=`: webhook deliveries of the caller's
 * subscriptions (an administrator's: of the tenant), newest first, a page at a time (`@odata.nextLink` names the next).
 */
export function listDeliveriesHandler(deps: DeliveriesDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const parsed = listQuery.safeParse(Object.fromEntries(request.query.entries()));
        if (!parsed.success) throw invalid(parsed.error);
        const { state, subscriptionId, since, $top, $skiptoken } = parsed.data;
        const page = await listVisibleDeliveries(
            manager,
            {
                state,
                subscriptionId,
                since: since ? new Date(since).toISOString() : undefined,
                pageSize: $top ?? 50,
                continuationToken: $skiptoken,
            },
            deps,
        );
        const body: Record<string, unknown> = { value: page.items.map(deliveryView) };
        if (page.continuationToken) {
            const next = new URL(request.url);
            next.searchParams.set('$skiptoken', page.continuationToken);
            body['@odata.nextLink'] = next.toString();
        }
        return { status: 200, jsonBody: body };
    });
}

/** `POST /api/deliveries/{id}/replay`: sends the delivery again from its first attempt; 404 for another's. */
export function replayDeliveryHandler(deps: DeliveriesDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const id = routeId(request.params.id);
        const stored = await visibleDelivery(manager, id, deps);
        if (!stored) throw new NotFoundError(`Delivery '${id}' was not found.`, 'itemNotFound');
        const replayed = await replayDelivery(stored, deps);
        return { status: 202, jsonBody: deliveryView(replayed) };
    });
}

/**
 * `POST /api/subscriptions/{id}/recover {since}`: resends every failed delivery of the subscription since then; 404
 * for another's subscription.
 */
export function recoverSubscriptionHandler(deps: DeliveriesDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const id = routeId(request.params.id);
        const parsed = recoverBody.safeParse(await readJsonObject(request));
        if (!parsed.success) throw invalid(parsed.error);
        if (!(await visibleSubscription(manager, id, deps))) {
            throw new NotFoundError(`Subscription '${id}' was not found.`, 'itemNotFound');
        }
        const replayed = await recoverSubscription(
            manager.owner.tenantId,
            id,
            new Date(parsed.data.since).toISOString(),
            deps,
        );
        return { status: 202, jsonBody: { replayed } };
    });
}
