import type { Recipient } from './record';

export type GraphVersion = 'v1.0' | 'beta';

/** Whose mailbox: the gateway calls Graph app-only, so `me` is resolved to the caller's user id before this. */
export type MailboxRef =
    { readonly kind: 'user'; readonly userId: string } | { readonly kind: 'group'; readonly groupId: string };

/** A calendar group: the user's default one, or one by id. */
export type CalendarGroupRef =
    { readonly kind: 'default' } | { readonly kind: 'byId'; readonly calendarGroupId: string };

/** Through which collection of the mailbox the caller addressed the event (Graph accepts each form). */
export type EventCollection =
    | { readonly kind: 'events' }
    | { readonly kind: 'defaultCalendar' }
    /** A calendar by id: on its own, in the default calendar group, or in a calendar group by id. */
    | { readonly kind: 'calendar'; readonly calendarId: string; readonly calendarGroup?: CalendarGroupRef | undefined }
    | { readonly kind: 'calendarView' }
    | { readonly kind: 'instances'; readonly seriesMasterId: string };

/** Where an event lives, in Graph's terms; the Graph adapter turns it into a path. Ids are raw (not URL-encoded). */
export interface EventLocator {
    readonly version: GraphVersion;
    readonly mailbox: MailboxRef;
    readonly collection: EventCollection;
    readonly eventId: string;
}

/**
 * An event as a cancellation record keeps it: the address the Graph adapter gave for its locator
 * ({@link CalendarGraph.eventPath}), opaque to the domain and handed back to the adapter as it is.
 */
export interface RecordedEvent {
    readonly version: GraphVersion;
    readonly graphPath: string;
    /**
     * Graph's immutable id of the item, when the record has one: then the adapter addresses the item by it (in its
     * mailbox), since the regular id in `graphPath` changes on every move between folders (docs/graph.md §2).
     */
    readonly immutableId?: string | undefined;
}

/** A booking appointment, in Graph's terms. Ids are raw (not URL-encoded). */
export interface AppointmentLocator {
    readonly version: GraphVersion;
    readonly businessId: string;
    readonly appointmentId: string;
}

/** An event as the gateway needs it just before cancelling: who organizes it and whom it concerns. */
export interface EventSnapshot {
    readonly id: string;
    /** The id that survives moves between folders, when Graph gave one (`Prefer: IdType="ImmutableId"`). */
    readonly immutableId?: string | undefined;
    readonly isOrganizer: boolean;
    readonly isCancelled: boolean;
    /** The organizer's address (part of the meeting's key, src/domain/feed/meetingKey.ts). */
    readonly organizer?: { readonly name?: string | undefined; readonly address?: string | undefined } | undefined;
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
    /** The address a record keeps for the event (shown in views and webhook payloads, compared across route forms). */
    eventPath(event: EventLocator): string;
    getEvent(event: EventLocator | RecordedEvent, clientRequestId?: string): Promise<EventSnapshot & GraphReceipt>;
    cancelEvent(
        event: EventLocator | RecordedEvent,
        comment: string | undefined,
        clientRequestId?: string,
    ): Promise<GraphReceipt>;
}

export interface BookingsGraph {
    /** The address a record keeps for the appointment. */
    appointmentPath(appointment: AppointmentLocator): string;
    getAppointment(
        appointment: AppointmentLocator,
        clientRequestId?: string,
    ): Promise<AppointmentSnapshot & GraphReceipt>;
    cancelAppointment(
        appointment: AppointmentLocator,
        cancellationMessage: string,
        clientRequestId?: string,
    ): Promise<GraphReceipt>;
}
