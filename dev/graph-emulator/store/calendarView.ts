import { type EventItem, type Mailbox } from './model';

export interface TimeWindow {
    start: number;
    end: number;
}

export function overlaps(item: EventItem, window: TimeWindow): boolean {
    return item.start < window.end && item.end > window.start;
}

/**
 * What `calendarView` shows of a mailbox (optionally one calendar) in a window: single instances, occurrences and
 * exceptions (series come expanded, as stored), never series masters; nothing in Deleted Items, no cancelled or
 * removed occurrence. Attendees' copies of cancelled meetings stay, with `isCancelled`. Ordered by start, then id,
 * so pages are stable.
 */
export function calendarViewItems(mailbox: Mailbox, calendarId: string | undefined, window: TimeWindow): EventItem[] {
    return [...mailbox.items.values()]
        .filter(
            (item) =>
                item.state === 'active' &&
                item.type !== 'seriesMaster' &&
                (calendarId === undefined || item.calendarId === calendarId) &&
                overlaps(item, window),
        )
        .sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
