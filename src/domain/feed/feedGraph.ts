import type { EventSnapshot } from '../cancellation/graphPorts';

/** A copy of an event as the feed reads it (app-only, by immutable id): what a cancel reads of it, plus its folder. */
export interface FeedEvent extends Omit<EventSnapshot, 'immutableId'> {
    /** Graph's immutable id. */
    readonly id: string;
    /** The folder the item is in (a calendar, or Deleted Items), when Graph says. */
    readonly parentFolderId?: string | undefined;
}

/** The Graph reads the feed's classification makes. Errors other than 404 are thrown (the queue retries). */
export interface FeedGraph {
    /** The event by its immutable id in the mailbox (user object id), or `null` when Graph answers 404. */
    readEvent(mailbox: string, immutableId: string): Promise<FeedEvent | null>;
    /** The folder ids of the mailbox's calendars (to tell a calendar from Deleted Items). */
    calendarFolderIds(mailbox: string): Promise<readonly string[]>;
    /** The address a record keeps for the event (`/users/{id}/events/{id}`). */
    eventPath(mailbox: string, immutableId: string): string;
    /** The address a record keeps for a booking appointment. */
    appointmentPath(businessId: string, appointmentId: string): string;
}
