/**
 * The key of one meeting, the same from every copy of it (the organizer's and each attendee's): organizer address +
 * `iCalUId` + occurrence start. Graph gives each occurrence of a series its own `iCalUId`, and the start tells an
 * occurrence apart from its series master. A cancellation record of a meeting (the gateway's own or one the feed saw)
 * holds the meeting's pointer row, so the meeting is reported once however many watched copies change.
 */
export interface MeetingIdentity {
    /** The organizer's SMTP address as Graph gives it in `organizer.emailAddress.address`. */
    readonly organizer?: string | undefined;
    readonly iCalUId?: string | undefined;
    /** ISO 8601 start of the occurrence (or of the single meeting / series master). */
    readonly start?: string | undefined;
}

/** The meeting's key, or `undefined` when Graph did not give all three parts. */
export function meetingKey(meeting: MeetingIdentity): string | undefined {
    const organizer = meeting.organizer?.trim().toLowerCase();
    const { iCalUId, start } = meeting;
    if (!organizer || !iCalUId || !start) return undefined;
    return `${organizer}|${iCalUId}|${canonicalStart(start)}`;
}

/** One spelling per instant (`…T09:00:00Z` and `…T09:00:00.000Z` are the same start); unparseable text as it is. */
function canonicalStart(start: string): string {
    const ms = Date.parse(start);
    return Number.isNaN(ms) ? start : new Date(ms).toISOString();
}
