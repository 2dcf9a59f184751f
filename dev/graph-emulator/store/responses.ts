import { GraphError } from '../errors';
import { newChangeKey } from '../ids';
import { isoInstant } from '../time';
import { deleteEvent } from './events';
import { type EventItem, type Mailbox } from './model';
import { type Tenant } from './tenant';

export const organizerCannotRespondMessage =
    "Your request can't be completed. You can't respond to a meeting you organized.";

function touch(item: EventItem, now: number): void {
    item.changeKey = newChangeKey();
    item.lastModifiedDateTime = now;
}

/** The organizer's items for an attendee's copy: same iCalUId; for a series, the master and its instances. */
function organizerItems(tenant: Tenant, copy: EventItem): EventItem[] {
    const found: EventItem[] = [];
    for (const mailbox of tenant.mailboxes.values()) {
        for (const item of mailbox.items.values()) {
            if (item.isOrganizer && item.iCalUId === copy.iCalUId && item.state === 'active') {
                found.push(item);
                if (item.type === 'seriesMaster') {
                    found.push(
                        ...[...mailbox.items.values()].filter(
                            (i) => i.seriesMasterId === item.id && i.state === 'active',
                        ),
                    );
                }
            }
        }
    }
    return found;
}

/** Sets `address`'s entry in an organizer item's attendee list (a new array: seeded items share theirs). */
function recordResponse(item: EventItem, address: string, response: string, now: number): void {
    const lower = address.toLowerCase();
    if (!item.attendees.some((a) => a.emailAddress.address.toLowerCase() === lower)) return;
    item.attendees = item.attendees.map((a) =>
        a.emailAddress.address.toLowerCase() === lower ? { ...a, response } : a,
    );
    touch(item, now);
}

/**
 * `POST …/events/{id}/decline`: the attendee's copy (a single meeting, one occurrence, or a whole series) is marked
 * declined and leaves their calendar, as Exchange's decline removes the calendar item; with `sendResponse` (Graph's
 * default) the organizer's attendee list records the decline, which is the message the attendee sends.
 */
export function declineEvent(tenant: Tenant, mailbox: Mailbox, item: EventItem, sendResponse: boolean): void {
    if (item.isOrganizer) throw new GraphError(400, 'ErrorInvalidRequest', organizerCannotRespondMessage);
    const now = Date.now();
    const response = { response: 'declined', time: isoInstant(now) };
    const declined = [item];
    if (item.type === 'seriesMaster') {
        declined.push(
            ...[...mailbox.items.values()].filter((i) => i.seriesMasterId === item.id && i.state === 'active'),
        );
    }
    for (const copy of declined) {
        copy.responseStatus = response;
        touch(copy, now);
    }
    if (sendResponse) {
        for (const organizerItem of organizerItems(tenant, item)) {
            recordResponse(organizerItem, mailbox.address, 'declined', now);
        }
    }
    deleteEvent(tenant, mailbox, item);
}
