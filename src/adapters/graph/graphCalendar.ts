import type {
    AppointmentSnapshot,
    BookingsGraph,
    CalendarGraph,
    EventLocator,
    EventSnapshot,
    GraphReceipt,
} from '../../domain/cancellation/graphPorts';
import { UpstreamError } from '../../errors/upstreamError';
import type { GraphHttp, GraphResult } from './graphHttp';
import { appointmentWire, eventSelect, eventWire } from './wireShapes';

function parsed<T>(result: GraphResult, parse: (body: unknown) => T): T {
    try {
        return parse(result.body);
    } catch {
        throw new UpstreamError(
            502,
            'badGateway',
            'Microsoft Graph returned a response the gateway could not read.',
            'unknown',
            result.requestId,
        );
    }
}

function bookingPath(businessId: string, appointmentId: string): string {
    return `/solutions/bookingBusinesses/${encodeURIComponent(businessId)}/appointments/${encodeURIComponent(appointmentId)}`;
}

/** Graph's calendar and Bookings operations over {@link GraphHttp}. */
export class GraphCalendar implements CalendarGraph, BookingsGraph {
    constructor(private readonly http: GraphHttp) {}

    async getEvent(event: EventLocator, clientRequestId?: string): Promise<EventSnapshot & GraphReceipt> {
        const result = await this.http.send({
            method: 'GET',
            version: event.version,
            path: event.path,
            query: { $select: eventSelect },
            clientRequestId,
        });
        const wire = parsed(result, (body) => eventWire.parse(body));
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

    async cancelEvent(event: EventLocator, comment: string | undefined, clientRequestId?: string) {
        const result = await this.http.send({
            method: 'POST',
            version: event.version,
            path: `${event.path}/cancel`,
            body: comment === undefined ? {} : { comment },
            clientRequestId,
        });
        return { requestId: result.requestId };
    }

    async getAppointment(
        version: 'v1.0' | 'beta',
        businessId: string,
        appointmentId: string,
        clientRequestId?: string,
    ): Promise<AppointmentSnapshot & GraphReceipt> {
        const result = await this.http.send({
            method: 'GET',
            version,
            path: bookingPath(businessId, appointmentId),
            clientRequestId,
        });
        return { ...parsed(result, (body) => appointmentWire.parse(body)), requestId: result.requestId };
    }

    async cancelAppointment(
        version: 'v1.0' | 'beta',
        businessId: string,
        appointmentId: string,
        cancellationMessage: string,
        clientRequestId?: string,
    ) {
        const result = await this.http.send({
            method: 'POST',
            version,
            path: `${bookingPath(businessId, appointmentId)}/cancel`,
            body: { cancellationMessage },
            clientRequestId,
        });
        return { requestId: result.requestId };
    }
}
