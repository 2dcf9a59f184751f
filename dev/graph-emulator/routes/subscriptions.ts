import { permissions, requirePermission } from '../auth';
import { readJsonObject } from '../body';
import { GraphError, segmentNotFound } from '../errors';
import { emptyResponse, jsonResponse } from '../http';
import { idTypeHeaders, preferredIdType } from '../idType';
import { odataContext, type Route, type RouteContext } from '../routeTypes';
import {
    checkExpiration,
    eventsResourceOwner,
    readExpiration,
    readSubscriptionRequest,
    type Subscription,
    SubscriptionStore,
    subscriptionWire,
    validateEndpoint,
} from '../feed/subscriptions';
import { resolveMailbox } from './owners';

/** Another app's subscription, or none: Graph answers the same 404 (VERIFY). */
const subscriptionNotFound = (): GraphError => new GraphError(404, 'ResourceNotFound', 'The object was not found.');

function entity(ctx: RouteContext, s: Subscription, status: number, headers: Record<string, string> = {}) {
    return jsonResponse(
        status,
        { '@odata.context': odataContext(ctx.version, 'subscriptions/$entity'), ...subscriptionWire(s) },
        headers,
    );
}

/** The caller's own live subscription by id; 404 for anything else. */
function own(ctx: RouteContext, id: string): Subscription {
    const s = ctx.state.notifier.subscriptions.find(id);
    if (!s || s.appId.toLowerCase() !== ctx.principal.appId.toLowerCase()) throw subscriptionNotFound();
    return s;
}

async function create(ctx: RouteContext) {
    const body = readJsonObject(ctx.req, { optional: false }) ?? {};
    const request = readSubscriptionRequest(body, ctx.state.clock.now());
    const owner = eventsResourceOwner(request.resource);
    requirePermission(ctx.principal, permissions.eventsRead, 'outlook');
    const mailbox = resolveMailbox(ctx, owner);
    await validateEndpoint(request.notificationUrl);
    if (request.lifecycleNotificationUrl !== null) await validateEndpoint(request.lifecycleNotificationUrl);
    const idType = preferredIdType(ctx.req);
    const subscription: Subscription = {
        ...request,
        id: SubscriptionStore.newId(),
        appId: ctx.principal.appId,
        creatorId: ctx.principal.userOid ?? ctx.principal.appId,
        mailboxId: mailbox.id,
        immutableIds: idType === 'immutable',
        tenantId: ctx.state.tenant.tenantId,
    };
    ctx.state.notifier.watch(ctx.state.tenant, mailbox.id);
    ctx.state.notifier.subscriptions.add(subscription);
    return entity(ctx, subscription, 201, idTypeHeaders(idType));
}

/** PATCH renews: only `expirationDateTime` changes here (VERIFY: Graph also lets `notificationUrl` change). */
function renew(ctx: RouteContext, s: Subscription) {
    const body = readJsonObject(ctx.req, { optional: false }) ?? {};
    for (const key of Object.keys(body)) {
        if (key !== 'expirationDateTime' && !key.startsWith('@odata.')) {
            throw new GraphError(
                400,
                'InvalidRequest',
                `The emulator only updates 'expirationDateTime', not '${key}'.`,
            );
        }
    }
    const expirationMs = readExpiration(body);
    checkExpiration(expirationMs, ctx.state.clock.now());
    s.expirationMs = expirationMs;
    return entity(ctx, s, 200);
}

/** `/subscriptions` and `/subscriptions/{id}`: Graph's subscription API for Outlook events (app or delegated). */
export function subscriptionsRoute(segs: string[]): Route {
    if (segs.length > 1) throw segmentNotFound(segs[1] ?? '');
    const id = segs[0];
    if (id === undefined) {
        return {
            api: 'outlook',
            methods: ['GET', 'POST'],
            handle: (ctx) => {
                if (ctx.req.method === 'POST') return create(ctx);
                const value = ctx.state.notifier.subscriptions
                    .live({ appId: ctx.principal.appId })
                    .map(subscriptionWire);
                return jsonResponse(200, { '@odata.context': odataContext(ctx.version, 'subscriptions'), value });
            },
        };
    }
    return {
        api: 'outlook',
        methods: ['GET', 'PATCH', 'DELETE'],
        handle: (ctx) => {
            const s = own(ctx, id);
            if (ctx.req.method === 'DELETE') {
                ctx.state.notifier.subscriptions.remove(s.id);
                return emptyResponse(204);
            }
            if (ctx.req.method === 'PATCH') return renew(ctx, s);
            return entity(ctx, s, 200);
        },
    };
}
