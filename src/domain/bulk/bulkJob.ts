/**
 * Bulk cancellation for offboarding (issue 17): what an administrator asks for, and what the planner decides for
 * each meeting of the mailbox. The wire form is in src/http/schemas/cancellationJobs.ts.
 */

export interface BulkWindow {
    /** ISO 8601 instants, `start < end`. */
    readonly start: string;
    readonly end: string;
}

export interface BulkMatch {
    /** Case-insensitive substring of the subject. */
    readonly subjectContains?: string | undefined;
    /** Any one of these Outlook categories (case-insensitive). */
    readonly categories?: readonly string[] | undefined;
}

export interface BulkRequest {
    /** The departing user's object id or UPN. */
    readonly mailbox: string;
    readonly window: BulkWindow;
    readonly match?: BulkMatch | undefined;
    /** Meetings the user organizes: cancel them, or leave them. */
    readonly organized: 'cancel' | 'skip';
    /** A series the user organizes that started before the window: end it before the window, or cancel it whole. */
    readonly series: 'endBeforeWindow' | 'cancel';
    /** Meetings the user was invited to: decline them, or leave them. */
    readonly invited: 'decline' | 'leave';
    /** Sent to the attendees with each cancel, series update and decline. */
    readonly comment?: string | undefined;
}

export type BulkAction = 'cancel' | 'endSeries' | 'decline' | 'skip';

export const bulkActions: readonly BulkAction[] = ['cancel', 'endSeries', 'decline', 'skip'];

export type SkipReason =
    /** The user organizes it and nobody else is invited (no attendees, no resources): nobody to tell. */
    | 'noAttendees'
    /** Graph shows it cancelled already. */
    | 'alreadyCancelled'
    /** The gateway cancelled it before (a cancellation record holds the item). */
    | 'cancelledByGateway'
    /** Outside `match` (subject or categories). */
    | 'notMatched'
    /** The user organizes it and `organized` is `skip`. */
    | 'organizedLeft'
    /** The user is invited and `invited` is `leave`. */
    | 'invitationLeft';

export const skipReasons: readonly SkipReason[] = [
    'noAttendees',
    'alreadyCancelled',
    'cancelledByGateway',
    'notMatched',
    'organizedLeft',
    'invitationLeft',
];

/**
 * One meeting of the plan: a single meeting, or a whole series (its occurrences and exceptions in the window are
 * one meeting, because each series gets one Graph write: a cancel of the master, a recurrence end, or a decline).
 */
export interface PlannedMeeting {
    /** The event the action writes to: the single meeting's id, or the series master's. */
    readonly eventId: string;
    readonly subject: string;
    /** The meeting's (for a series: its first occurrence in the window's) start and end, ISO 8601 UTC. */
    readonly start: string;
    readonly end: string;
    /** Graph's type of what is written to: `singleInstance`, or `seriesMaster` for a series. */
    readonly type: 'singleInstance' | 'seriesMaster';
    /** Occurrences and exceptions of a series found in the window. */
    readonly occurrencesInWindow?: number | undefined;
    readonly isOrganizer: boolean;
    /** Attendees and resources other than the user. */
    readonly attendees: number;
    readonly action: BulkAction;
    readonly reason?: SkipReason | undefined;
    /** For `endSeries`: the recurrence's new last day (`YYYY-MM-DD`, in the recurrence's time zone). */
    readonly seriesEndDate?: string | undefined;
}

export interface BulkPlan {
    readonly meetings: readonly PlannedMeeting[];
    readonly counts: Readonly<Record<BulkAction, number>>;
}

export function countActions(meetings: readonly { readonly action: BulkAction }[]): Record<BulkAction, number> {
    const counts: Record<BulkAction, number> = { cancel: 0, endSeries: 0, decline: 0, skip: 0 };
    for (const meeting of meetings) counts[meeting.action] += 1;
    return counts;
}
