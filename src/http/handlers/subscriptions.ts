import type { HttpRequest } from '@azure/functions';
import type { Subscription } from '../../domain/webhooks/subscription';
import { subscriptionManager } from '../../domain/webhooks/subscriptionAccess';
import type { SubscriptionService } from '../../domain/webhooks/subscriptionService';
import { routeId } from '../ids';
import type { RouteHandler } from '../routes/contract';
import type { RotatedSecret, SubscriptionCreated, SubscriptionList, SubscriptionView } from '../schemas';

/**
 * Subscriptions.ReadWrite.All, or an administrator (the manifest checks it); who they are decides which
 * subscriptions they see (`subscriptionManager`).
 */
export interface SubscriptionsDeps {
    readonly subscriptions: SubscriptionService;
}

/** A body the domain's rules check field by field (`parseCreateInput`, `parseUpdateInput`). */
type RawBody = Readonly<Record<string, unknown>>;

/** Responses that carry a signing secret must not be cached anywhere. */
const noStore = { 'Cache-Control': 'no-store' };

/** What GET and PATCH show: never a secret. */
export function subscriptionView(subscription: Subscription): SubscriptionView {
    return {
        id: subscription.id,
        notificationUrl: subscription.notificationUrl,
        eventTypes: [...subscription.eventTypes],
        scope: subscription.scope,
        origins: subscription.origins === undefined ? null : [...subscription.origins],
        clientState: subscription.clientState ?? null,
        description: subscription.description ?? null,
        enabled: subscription.enabled,
        disabledReason: subscription.disabledReason ?? null,
        createdDateTime: subscription.createdAt,
        lastModifiedDateTime: subscription.updatedAt,
    };
}

/** The view a new subscription is answered with: no disabled reason or modification time yet. */
function createdView(subscription: Subscription): Omit<SubscriptionCreated, 'secret'> {
    const {
        disabledReason: _disabledReason,
        lastModifiedDateTime: _lastModified,
        ...view
    } = subscriptionView(subscription);
    return view;
}

/** The absolute URL of a new subscription: the request's own URL (scheme, host, route prefix) plus its id. */
function locationOf(request: HttpRequest, id: string): string {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.origin}${path}/${encodeURIComponent(id)}`;
}

/** `POST /api/subscriptions` → 201 with `Location` and the signing secret (the only time it is shown). */
export function createSubscriptionHandler(
    deps: SubscriptionsDeps,
): RouteHandler<RawBody, undefined, SubscriptionCreated> {
    return async ({ request, caller, body }) => {
        const { subscription, secret } = await deps.subscriptions.create(subscriptionManager(caller), body);
        return {
            status: 201,
            headers: { Location: locationOf(request, subscription.id), ...noStore },
            jsonBody: { ...createdView(subscription), secret },
        };
    };
}

/** `GET /api/subscriptions` → `{value: [...]}`: the caller's own, or every one of the tenant for administrators. */
export function listSubscriptionsHandler(
    deps: SubscriptionsDeps,
): RouteHandler<undefined, undefined, SubscriptionList> {
    return async ({ caller }) => {
        const all = await deps.subscriptions.list(subscriptionManager(caller));
        return { status: 200, jsonBody: { value: all.map(subscriptionView) } };
    };
}

/** `GET /api/subscriptions/{id}`. */
export function getSubscriptionHandler(deps: SubscriptionsDeps): RouteHandler<undefined, undefined, SubscriptionView> {
    return async ({ caller, params }) => {
        const subscription = await deps.subscriptions.get(subscriptionManager(caller), routeId(params.id));
        return { status: 200, jsonBody: subscriptionView(subscription) };
    };
}

/** `PATCH /api/subscriptions/{id}` `{enabled?, clientState?, description?}` → 200 with the view. */
export function updateSubscriptionHandler(deps: SubscriptionsDeps): RouteHandler<RawBody, undefined, SubscriptionView> {
    return async ({ caller, params, body }) => {
        const subscription = await deps.subscriptions.update(subscriptionManager(caller), routeId(params.id), body);
        return { status: 200, jsonBody: subscriptionView(subscription) };
    };
}

/** `DELETE /api/subscriptions/{id}` → 204 (the Location a Power Automate trigger deletes). */
export function deleteSubscriptionHandler(deps: SubscriptionsDeps): RouteHandler {
    return async ({ caller, params }) => {
        await deps.subscriptions.delete(subscriptionManager(caller), routeId(params.id));
        return { status: 204 };
    };
}

/** `POST /api/subscriptions/{id}/rotateSecret` (empty body) → 200 `{secret, previousSecretExpiresDateTime}`. */
export function rotateSubscriptionSecretHandler(
    deps: SubscriptionsDeps,
): RouteHandler<Record<string, never>, undefined, RotatedSecret> {
    return async ({ caller, params }) => {
        const rotated = await deps.subscriptions.rotateSecret(subscriptionManager(caller), routeId(params.id));
        return {
            status: 200,
            headers: noStore,
            jsonBody: { secret: rotated.secret, previousSecretExpiresDateTime: rotated.previousSecretExpiresAt },
        };
    };
}
