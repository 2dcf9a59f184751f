import type { HttpRequest } from '@azure/functions';
import { requirePermissionOrAdministrator, routePermissions } from '../../auth/permissions';
import type { TokenValidator } from '../../auth/tokenValidator';
import type { Subscription } from '../../domain/webhooks/subscription';
import { subscriptionManager, type SubscriptionManager } from '../../domain/webhooks/subscriptionAccess';
import type { SubscriptionService } from '../../domain/webhooks/subscriptionService';
import { BadRequestError } from '../../errors/appError';
import { readJsonObject } from '../body';
import { type EdgeHandler, handle } from '../handle';
import { routeId } from '../ids';

export interface SubscriptionsDeps {
    readonly tokens: TokenValidator;
    readonly subscriptions: SubscriptionService;
}

/** Route templates (below the `api` prefix) and their methods, for the functions and the catch-all's table. */
export const subscriptionRoutes = {
    subscriptions: 'subscriptions',
    subscription: 'subscriptions/{id}',
    rotateSecret: 'subscriptions/{id}/rotateSecret',
} as const;

/** Responses that carry a signing secret must not be cached anywhere. */
const noStore = { 'Cache-Control': 'no-store' };

/** What GET and PATCH show: never a secret. */
export function subscriptionView(subscription: Subscription) {
    return {
        id: subscription.id,
        notificationUrl: subscription.notificationUrl,
        eventTypes: [...subscription.eventTypes],
        scope: subscription.scope,
        clientState: subscription.clientState ?? null,
        description: subscription.description ?? null,
        enabled: subscription.enabled,
        disabledReason: subscription.disabledReason ?? null,
        createdDateTime: subscription.createdAt,
        lastModifiedDateTime: subscription.updatedAt,
    };
}

/** The view a new subscription is answered with: no disabled reason or modification time yet. */
function createdView(subscription: Subscription) {
    const {
        disabledReason: _disabledReason,
        lastModifiedDateTime: _lastModified,
        ...view
    } = subscriptionView(subscription);
    return view;
}

/** Subscriptions.ReadWrite.All, or an administrator; who they are decides which subscriptions they see. */
async function authorized(deps: SubscriptionsDeps, request: HttpRequest): Promise<SubscriptionManager> {
    const caller = await deps.tokens.authenticate(request.headers.get('authorization'));
    requirePermissionOrAdministrator(caller, routePermissions.subscriptions);
    return subscriptionManager(caller);
}

/** The absolute URL of a new subscription: the request's own URL (scheme, host, route prefix) plus its id. */
function locationOf(request: HttpRequest, id: string): string {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, '');
    return `${url.origin}${path}/${encodeURIComponent(id)}`;
}

/** `POST /api/subscriptions` → 201 with `Location` and the signing secret (the only time it is shown). */
export function createSubscriptionHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const body = await readJsonObject(request);
        const { subscription, secret } = await deps.subscriptions.create(manager, body);
        return {
            status: 201,
            headers: { Location: locationOf(request, subscription.id), ...noStore },
            jsonBody: { ...createdView(subscription), secret },
        };
    });
}

/** `GET /api/subscriptions` → `{value: [...]}`: the caller's own, or every one of the tenant for administrators. */
export function listSubscriptionsHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const all = await deps.subscriptions.list(manager);
        return { status: 200, jsonBody: { value: all.map(subscriptionView) } };
    });
}

/** `GET /api/subscriptions/{id}`. */
export function getSubscriptionHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const subscription = await deps.subscriptions.get(manager, routeId(request.params.id));
        return { status: 200, jsonBody: subscriptionView(subscription) };
    });
}

/** `PATCH /api/subscriptions/{id}` `{enabled?, clientState?, description?}` → 200 with the view. */
export function updateSubscriptionHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const id = routeId(request.params.id);
        const body = await readJsonObject(request);
        const subscription = await deps.subscriptions.update(manager, id, body);
        return { status: 200, jsonBody: subscriptionView(subscription) };
    });
}

/** `DELETE /api/subscriptions/{id}` → 204 (the Location a Power Automate trigger deletes). */
export function deleteSubscriptionHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        await deps.subscriptions.delete(manager, routeId(request.params.id));
        return { status: 204 };
    });
}

/** `POST /api/subscriptions/{id}/rotateSecret` (empty body) → 200 `{secret, previousSecretExpiresDateTime}`. */
export function rotateSubscriptionSecretHandler(deps: SubscriptionsDeps): EdgeHandler {
    return handle(async (request) => {
        const manager = await authorized(deps, request);
        const id = routeId(request.params.id);
        const body = await readJsonObject(request);
        const extra = Object.keys(body)[0];
        if (extra !== undefined) {
            throw new BadRequestError(
                'unknownProperty',
                `The property '${extra.slice(0, 100)}' is not a valid property of a rotateSecret request.`,
            );
        }
        const rotated = await deps.subscriptions.rotateSecret(manager, id);
        return {
            status: 200,
            headers: noStore,
            jsonBody: { secret: rotated.secret, previousSecretExpiresDateTime: rotated.previousSecretExpiresAt },
        };
    });
}
