import type { BulkWindow } from './bulkJob';

/** An item of a mailbox's calendar view: a single meeting, or an occurrence or exception of a series. */
export interface CalendarViewItem {
    readonly id: string;
    readonly subject: string;
    /** ISO 8601 UTC. */
    readonly start: string;
    readonly end: string;
    /** `singleInstance`, `occurrence` or `exception` (a calendar view lists no masters). */
    readonly type: string;
    readonly seriesMasterId?: string | undefined;
    readonly isOrganizer: boolean;
    readonly isCancelled: boolean;
    /** Everyone invited, resources included (the organizer is not an attendee). */
    readonly attendees: number;
    readonly categories: readonly string[];
}

/** A series master: when the series started, and its recurrence as Graph holds it (to end it). */
export interface SeriesMaster extends CalendarViewItem {
    /** Graph's `recurrence.range.startDate` (`YYYY-MM-DD`, the recurrence's time zone): the series' first day. */
    readonly rangeStartDate: string;
    /** Graph's `recurrence` as read, written back with a new range end. */
    readonly recurrence: Readonly<Record<string, unknown>>;
}

/** The calendar reads and writes bulk cancellation needs from Graph, in one user's mailbox (by object id). */
export interface BulkCalendarGraph {
    /** Every item of the calendar view over the window, all pages. */
    calendarView(userId: string, window: BulkWindow): Promise<readonly CalendarViewItem[]>;
    getSeriesMaster(userId: string, masterId: string): Promise<SeriesMaster>;
    /** `POST …/events/{id}/decline` with the comment, `sendResponse: true`. */
    decline(userId: string, eventId: string, comment: string | undefined): Promise<void>;
    /** `PATCH` the master's `recurrence.range` to end on `endDate` (an update goes to the attendees). */
    endSeries(userId: string, master: SeriesMaster, endDate: string): Promise<void>;
}
