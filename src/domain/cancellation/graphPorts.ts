import type { Recipient } from './record';

/** Where an event lives, as Graph addresses it. */
export interface EventLocator {
    readonly version: 'v1.0' | 'beta';
    /** Path below the version, ids URL-encoded, without `/cancel`. */
    readonly path: string;
}

/** An event as the gateway needs it just before cancelling: who organizes it and whom it concerns. */
export interface EventSnapshot {
    readonly id: string;
    readonly isOrganizer: boolean;
    readonly isCancelled: boolean;
    readonly type?: string | undefined;
    readonly seriesMasterId?: string | undefined;
    readonly iCalUId?: string | undefined;
    readonly subject?: string | undefined;
    readonly start?: string | undefined;
    readonly end?: string | undefined;
    readonly attendees: readonly Recipient[];
}

export interface AppointmentSnapshot {
    readonly id: string;
    readonly serviceName?: string | undefined;
    readonly start?: string | undefined;
    readonly end?: string | undefined;
    readonly customers: readonly Recipient[];
}

/** Graph's answer to a call that changed something. */
export interface GraphReceipt {
    readonly requestId: string | undefined;
}

/** The calendar part of Graph the gateway uses. Errors are thrown as AppErrors (UpstreamError for Graph's own). */
export interface CalendarGraph {
    getEvent(event: EventLocator, clientRequestId?: string): Promise<EventSnapshot & GraphReceipt>;
    cancelEvent(event: EventLocator, comment: string | undefined, clientRequestId?: string): Promise<GraphReceipt>;
}

export interface BookingsGraph {
    getAppointment(
        version: 'v1.0' | 'beta',
        businessId: string,
        appointmentId: string,
        clientRequestId?: string,
    ): Promise<AppointmentSnapshot & GraphReceipt>;
    cancelAppointment(
        version: 'v1.0' | 'beta',
        businessId: string,
        appointmentId: string,
        cancellationMessage: string,
        clientRequestId?: string,
    ): Promise<GraphReceipt>;
}
