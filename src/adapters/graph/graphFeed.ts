import * as z from 'zod';
import type {
    CalendarDeltaGraph,
    CreatedSubscription,
    DeltaChange,
    DeltaPage,
    SubscriptionGraph,
    SubscriptionRequest,
} from '../../domain/feed/ports';
import { UpstreamError } from '../../errors/upstreamError';
import {
    calendarViewDeltaPath,
    pageLinkCall,
    preferImmutableIds,
    subscriptionPath,
    subscriptionsPath,
    userEventsResource,
} from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';

/** What the feed subscribes to: an event changed (cancelled, moved, edited) or deleted. Not `created`. */
export const feedChangeTypes = 'updated,deleted';

const subscriptionWire = z.object({ id: z.string().min(1), expirationDateTime: z.string() });
const renewedWire = z.object({ expirationDateTime: z.string() });
const deltaPageWire = z.object({
    value: z.array(z.object({ id: z.string().min(1), '@removed': z.unknown().optional() })),
    '@odata.nextLink': z.string().nullish(),
    '@odata.deltaLink': z.string().nullish(),
});

/** Pages of one delta round before the adapter gives up (a runaway link loop must not run forever). */
const maxDeltaPages = 1_000;

function isStatus(error: unknown, ...statuses: number[]): boolean {
    return error instanceof UpstreamError && statuses.includes(error.status);
}

/**
 * Graph's `/subscriptions` and calendar view delta for the feed, app-only, with immutable ids: the subscription is
 * created with `Prefer: IdType="ImmutableId"` so its notifications' `resourceData.id` are immutable ids, and every
 * delta page asks for them too.
 */
export class GraphFeed implements SubscriptionGraph, CalendarDeltaGraph {
    constructor(private readonly graph: GraphClient) {}

    async create(request: SubscriptionRequest): Promise<CreatedSubscription> {
        const result = await this.graph.send({
            method: 'POST',
            version: 'v1.0',
            path: subscriptionsPath,
            headers: preferImmutableIds,
            body: {
                changeType: feedChangeTypes,
                notificationUrl: request.notificationUrl,
                lifecycleNotificationUrl: request.lifecycleNotificationUrl,
                resource: userEventsResource(request.mailbox),
                expirationDateTime: request.expiresAt,
                clientState: request.clientState,
            },
        });
        const wire = parsedResult(result, (body) => subscriptionWire.parse(body));
        return { id: wire.id, expiresAt: wire.expirationDateTime };
    }

    async renew(subscriptionId: string, expiresAt: string): Promise<{ readonly expiresAt: string } | 'gone'> {
        try {
            const result = await this.graph.send({
                method: 'PATCH',
                version: 'v1.0',
                path: subscriptionPath(subscriptionId),
                body: { expirationDateTime: expiresAt },
            });
            const wire = parsedResult(result, (body) => renewedWire.parse(body));
            return { expiresAt: wire.expirationDateTime };
        } catch (error) {
            if (isStatus(error, 404)) return 'gone';
            throw error;
        }
    }

    async remove(subscriptionId: string): Promise<void> {
        try {
            await this.graph.send({ method: 'DELETE', version: 'v1.0', path: subscriptionPath(subscriptionId) });
        } catch (error) {
            if (!isStatus(error, 404)) throw error;
        }
    }

    async delta(
        mailbox: string,
        from: { readonly deltaLink: string } | { readonly start: string; readonly end: string },
    ): Promise<DeltaPage | 'expired'> {
        let call: { path: string; query: Record<string, string> } =
            'deltaLink' in from
                ? pageLinkCall(from.deltaLink, 'v1.0')
                : {
                      path: calendarViewDeltaPath(mailbox),
                      query: { startDateTime: from.start, endDateTime: from.end },
                  };
        const changes: DeltaChange[] = [];
        for (let pages = 0; pages < maxDeltaPages; pages += 1) {
            let body: z.output<typeof deltaPageWire>;
            try {
                const result = await this.graph.send({
                    method: 'GET',
                    version: 'v1.0',
                    ...call,
                    headers: preferImmutableIds,
                });
                body = parsedResult(result, (value) => deltaPageWire.parse(value));
            } catch (error) {
                // 410 Gone (SyncStateNotFound…): the link is too old; a fresh sync is due.
                if (isStatus(error, 410)) return 'expired';
                throw error;
            }
            changes.push(...body.value.map((item) => ({ eventId: item.id, removed: item['@removed'] !== undefined })));
            const deltaLink = body['@odata.deltaLink'];
            if (deltaLink) return { changes, deltaLink };
            const next = body['@odata.nextLink'];
            if (!next) throw badDelta('neither @odata.nextLink nor @odata.deltaLink');
            call = pageLinkCall(next, 'v1.0');
        }
        throw badDelta(`more than ${maxDeltaPages} pages`);
    }
}

function badDelta(what: string): UpstreamError {
    return new UpstreamError(
        502,
        'badGateway',
        `Microsoft Graph's calendar view delta gave ${what}.`,
        'unknown',
        undefined,
    );
}
