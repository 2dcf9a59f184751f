import { GraphError } from '../errors';
import { newChangeKey } from '../ids';
import { type EventItem, type Mailbox, type Recurrence } from './model';
import { type Tenant } from './tenant';

/** `recurrence.range` as Graph returns it: numbered as seeded, `endDate` once a PATCH ended the series. */
export function recurrenceRangeWire(recurrence: Recurrence): Record<string, unknown> {
    if (recurrence.endDate !== undefined) {
        return {
            type: 'endDate',
            startDate: recurrence.startDate,
            endDate: recurrence.endDate,
            recurrenceTimeZone: 'UTC',
            numberOfOccurrences: 0,
        };
    }
    return {
        type: 'numbered',
        startDate: recurrence.startDate,
        endDate: '0001-01-01',
        recurrenceTimeZone: 'UTC',
        numberOfOccurrences: recurrence.numberOfOccurrences,
    };
}

/** The UTC date (yyyy-mm-dd) an occurrence or exception belongs to in its series: its original start's. */
function seriesDate(instance: EventItem): string {
    return new Date(instance.originalStart ?? instance.start).toISOString().slice(0, 10);
}

function instancesOf(mailbox: Mailbox, master: EventItem): EventItem[] {
    return [...mailbox.items.values()].filter((i) => i.seriesMasterId === master.id);
}

/** The last date the series covers now: its end date, or the date of its last occurrence. */
function seriesExtent(mailbox: Mailbox, master: EventItem): string {
    if (master.recurrence?.endDate !== undefined) return master.recurrence.endDate;
    const dates = instancesOf(mailbox, master).map(seriesDate).sort();
    return dates[dates.length - 1] ?? master.recurrence?.startDate ?? '';
}

function touch(item: EventItem, now: number): void {
    item.changeKey = newChangeKey();
    item.lastModifiedDateTime = now;
}

/** Ends one copy of a series (organizer's or attendee's) on `endDate`: later instances leave the calendar. */
function endCopy(mailbox: Mailbox, master: EventItem, endDate: string, now: number): void {
    if (master.recurrence) master.recurrence = { ...master.recurrence, endDate };
    touch(master, now);
    for (const instance of instancesOf(mailbox, master)) {
        if (instance.state === 'active' && seriesDate(instance) > endDate) {
            instance.state = 'removed';
            touch(instance, now);
        }
    }
}

export const recurrenceOrganizerOnlyMessage =
    "Your request can't be completed. You need to be an organizer to change the recurrence of a meeting.";

/**
 * PATCH of a series master's `recurrence.range` to `{type: 'endDate', endDate}`: occurrences and exceptions after
 * that date disappear from the organizer's calendar and from every attendee's copy of the series (same iCalUId);
 * the ones on or before it, and the history, stay. The emulator only shortens a series.
 */
export function endSeries(tenant: Tenant, mailbox: Mailbox, master: EventItem, endDate: string): void {
    if (!master.isOrganizer) throw new GraphError(400, 'ErrorInvalidRequest', recurrenceOrganizerOnlyMessage);
    if (master.type !== 'seriesMaster' || !master.recurrence) {
        throw new GraphError(
            400,
            'ErrorInvalidRequest',
            'The recurrence of an event that is not a series master cannot be changed.',
        );
    }
    if (endDate < master.recurrence.startDate) {
        throw new GraphError(400, 'ErrorInvalidRequest', "The recurrence range's end date is before its start date.");
    }
    const extent = seriesExtent(mailbox, master);
    if (endDate > extent) {
        throw new GraphError(
            400,
            'ErrorInvalidRequest',
            `The emulator can only shorten a series: its recurrence covers dates up to ${extent}.`,
        );
    }
    const now = Date.now();
    endCopy(mailbox, master, endDate, now);
    for (const other of tenant.mailboxes.values()) {
        for (const copy of [...other.items.values()]) {
            if (
                !copy.isOrganizer &&
                copy.type === 'seriesMaster' &&
                copy.iCalUId === master.iCalUId &&
                copy.state === 'active'
            ) {
                endCopy(other, copy, endDate, now);
            }
        }
    }
}
