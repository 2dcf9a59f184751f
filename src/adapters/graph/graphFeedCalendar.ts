import * as z from 'zod';
import type { FeedEvent, FeedGraph } from '../../domain/feed/feedGraph';
import { UpstreamError } from '../../errors/upstreamError';
import { appointmentPath, calendarsQuery, feedEventSelect, preferImmutableIds, userEventPath } from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { eventFields, eventWire } from './wireShapes';

const feedEventWire = eventWire.extend({ parentFolderId: z.string().nullish() });
const calendarsWire = z.object({ value: z.array(z.object({ id: z.string() })) });

/** The feed's reads of a watched mailbox (app-only, immutable ids: a change notification names the item by one). */
export class GraphFeedCalendar implements FeedGraph {
    constructor(private readonly graph: GraphClient) {}

    async readEvent(mailbox: string, immutableId: string): Promise<FeedEvent | null> {
        let result;
        try {
            result = await this.graph.send({
                method: 'GET',
                version: 'v1.0',
                path: userEventPath(mailbox, immutableId),
                query: { $select: feedEventSelect },
                headers: preferImmutableIds,
            });
        } catch (error) {
            if (error instanceof UpstreamError && error.status === 404) return null;
            throw error;
        }
        const wire = parsedResult(result, (body) => feedEventWire.parse(body));
        return {
            ...eventFields(wire),
            parentFolderId: wire.parentFolderId ?? undefined,
        };
    }

    async calendarFolderIds(mailbox: string): Promise<readonly string[]> {
        const result = await this.graph.send({ method: 'GET', version: 'v1.0', ...calendarsQuery(mailbox) });
        return parsedResult(result, (body) => calendarsWire.parse(body)).value.map((calendar) => calendar.id);
    }

    eventPath(mailbox: string, immutableId: string): string {
        return userEventPath(mailbox, immutableId);
    }

    appointmentPath(businessId: string, appointmentId: string): string {
        return appointmentPath({ version: 'v1.0', businessId, appointmentId });
    }
}
