import type {
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    GraphReceipt,
    RecordedEvent,
} from '../../domain/cancellation/graphPorts';
import { cancelSegment, eventPath, eventSelect } from './graphAddress';
import type { GraphClient } from './graphClient';
import { parsedResult } from './graphResult';
import { eventWire } from './wireShapes';

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
        const result = await this.graph.send({
            method: 'GET',
            version: event.version,
            path: eventPath(event),
            query: { $select: eventSelect },
            clientRequestId,
        });
        const wire = parsedResult(result, (body) => eventWire.parse(body));
        return {
            id: wire.id,
            isOrganizer: wire.isOrganizer ?? false,
            isCancelled: wire.isCancelled ?? false,
            type: wire.type ?? undefined,
            seriesMasterId: wire.seriesMasterId ?? undefined,
            iCalUId: wire.iCalUId ?? undefined,
            subject: wire.subject ?? undefined,
            start: wire.start ?? undefined,
            end: wire.end ?? undefined,
            attendees: wire.attendees ?? [],
            requestId: result.requestId,
        };
    }

    async cancelEvent(event: EventLocator | RecordedEvent, comment: string | undefined, clientRequestId?: string) {
        const result = await this.graph.send({
            method: 'POST',
            version: event.version,
            path: `${eventPath(event)}${cancelSegment}`,
            body: comment === undefined ? {} : { comment },
            clientRequestId,
        });
        return { requestId: result.requestId };
    }
}
