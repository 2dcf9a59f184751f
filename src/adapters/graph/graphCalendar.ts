import type {
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    GraphReceipt,
    RecordedEvent,
} from '../../domain/cancellation/graphPorts';
import {
    answeredImmutableIds,
    cancelSegment,
    eventAddress,
    eventPath,
    eventSelect,
    preferImmutableIds,
} from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { eventFields, eventWire } from './wireShapes';

/** Graph's event read and `event: cancel`. */
export class GraphCalendar implements CalendarGraph {
    constructor(private readonly graph: GraphClient) {}

    eventPath(event: EventLocator): string {
        return eventPath(event);
    }

    async getEvent(
        event: EventLocator | RecordedEvent,
        clientRequestId?: string,
    ): Promise<EventSnapshot & GraphReceipt> {
        // Always with immutable ids: the id read before a cancel is the one reconciliation later finds the item by.
        const result = await this.graph.send({
            method: 'GET',
            version: event.version,
            path: eventAddress(event).path,
            query: { $select: eventSelect },
            headers: preferImmutableIds,
            clientRequestId,
        });
        const wire = parsedResult(result, (body) => eventWire.parse(body));
        return {
            ...eventFields(wire),
            immutableId: answeredImmutableIds(result.preferenceApplied) ? wire.id : undefined,
            requestId: result.requestId,
        };
    }

    async cancelEvent(event: EventLocator | RecordedEvent, comment: string | undefined, clientRequestId?: string) {
        const { path, headers } = eventAddress(event);
        const result = await this.graph.send({
            method: 'POST',
            version: event.version,
            path: `${path}${cancelSegment}`,
            body: comment === undefined ? {} : { comment },
            headers,
            clientRequestId,
        });
        return { requestId: result.requestId };
    }
}
