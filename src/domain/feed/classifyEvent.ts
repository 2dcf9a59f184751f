import type { FeedEvent } from './feedGraph';

/** What one change of a watched copy is: a cancellation seen from that copy, or nothing (and why not). */
export type EventClassification =
    | { readonly cancelled: true; readonly copy: 'organizer' | 'attendee' }
    | {
          readonly cancelled: false;
          readonly reason:
              | 'gone' // 404: purged before it was read; nothing is known of it (docs/feed.md)
              | 'active' // still in a calendar and not cancelled
              | 'attendeeCopyRemoved' // an attendee deleted their own copy: not a cancellation of the meeting
              | 'noAttendees'; // the organizer's appointment without attendees: nobody was told of anything
      };

export interface EventChange {
    readonly changeType: 'updated' | 'deleted';
    /** The copy as Graph shows it now, `null` on 404. */
    readonly event: FeedEvent | null;
    /**
     * For the organizer's copy of a `deleted` change that is still readable and not cancelled: whether it is still in
     * one of the mailbox's calendars (`false`: Deleted Items). Only asked for in that case.
     */
    readonly inCalendar?: () => Promise<boolean>;
}

/** Whether the meeting has anyone besides its organizer to tell (attendees, rooms, resources). */
function hasAttendees(event: FeedEvent): boolean {
    const organizer = event.organizer?.address?.toLowerCase();
    return event.attendees.some((attendee) => attendee.address?.toLowerCase() !== organizer);
}

/**
 * The classification rules (docs/feed.md): a cancellation is the organizer's meeting cancelled (`isCancelled`) or
 * deleted (moved out of every calendar: Deleted Items), or an attendee's copy turning `isCancelled: true`. A meeting
 * without attendees is an appointment: its deletion told nobody anything and is not reported.
 */
export async function classifyEventChange(change: EventChange): Promise<EventClassification> {
    const { event } = change;
    if (event === null) return { cancelled: false, reason: 'gone' };
    if (!event.isOrganizer) {
        if (event.isCancelled) return { cancelled: true, copy: 'attendee' };
        return { cancelled: false, reason: change.changeType === 'deleted' ? 'attendeeCopyRemoved' : 'active' };
    }
    if (!hasAttendees(event)) return { cancelled: false, reason: 'noAttendees' };
    if (event.isCancelled) return { cancelled: true, copy: 'organizer' };
    if (change.changeType === 'deleted' && change.inCalendar !== undefined && !(await change.inCalendar())) {
        return { cancelled: true, copy: 'organizer' };
    }
    return { cancelled: false, reason: 'active' };
}
