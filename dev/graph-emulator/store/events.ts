import { GraphError } from '../errors';
import { newChangeKey, randomId } from '../ids';
import { eventDateTime, isoInstant } from '../time';
import { type EventItem, type Mailbox } from './model';
import { recurrenceRangeWire } from './recurrence';
import { type Tenant } from './tenant';

export const organizerOnlyMessage = "Your request can't be completed. You need to be an organizer to cancel a meeting.";

function touch(item: EventItem): void {
    item.changeKey = newChangeKey();
    item.lastModifiedDateTime = Date.now();
}

/** Moves an item to Deleted Items: Exchange gives it a new id, so the old one is no longer found. */
function moveToDeletedItems(mailbox: Mailbox, item: EventItem): void {
    mailbox.items.delete(item.id);
    item.previousIds.push(item.id);
    item.id = randomId();
    item.state = 'deleted';
    touch(item);
    mailbox.items.set(item.id, item);
}

function instancesOf(mailbox: Mailbox, masterId: string): EventItem[] {
    return [...mailbox.items.values()].filter((i) => i.seriesMasterId === masterId);
}

function occurrenceId(master: EventItem, item: EventItem): string {
    return `OID.${master.id}.${new Date(item.originalStart ?? item.start).toISOString().slice(0, 10)}`;
}

/** The series master in the same mailbox lists the cancelled or removed occurrence (beta `cancelledOccurrences`). */
function recordOnMaster(mailbox: Mailbox, item: EventItem): void {
    const master = item.seriesMasterId ? mailbox.items.get(item.seriesMasterId) : undefined;
    if (master) {
        master.cancelledOccurrences.push(occurrenceId(master, item));
        touch(master);
    }
}

/** A series leaves the calendar together with its remaining occurrences. */
function removeActiveInstances(mailbox: Mailbox, master: EventItem): void {
    for (const instance of instancesOf(mailbox, master.id)) {
        if (instance.state === 'active') {
            instance.state = 'removed';
            touch(instance);
        }
    }
}

/** Marks every attendee copy of `item` (same iCalUId, isOrganizer false) as cancelled. */
function cancelAttendeeCopies(tenant: Tenant, item: EventItem): void {
    for (const mailbox of tenant.mailboxes.values()) {
        for (const copy of mailbox.items.values()) {
            if (!copy.isOrganizer && copy.iCalUId === item.iCalUId && copy.state === 'active' && !copy.isCancelled) {
                copy.isCancelled = true;
                touch(copy);
                if (copy.type === 'seriesMaster') {
                    for (const instance of instancesOf(mailbox, copy.id)) {
                        if (instance.state === 'active' && !instance.isCancelled) {
                            instance.isCancelled = true;
                            touch(instance);
                        }
                    }
                }
            }
        }
    }
}

/**
 * `POST …/cancel` (and the organizer's `DELETE`, which sends a cancellation without custom text).
 * An occurrence or exception id cancels that instance only; a series master id the whole series.
 */
export function cancelEvent(
    tenant: Tenant,
    mailbox: Mailbox,
    item: EventItem,
    comment: string | null,
    via: 'cancel' | 'delete',
): void {
    if (!item.isOrganizer) {
        throw new GraphError(400, 'ErrorInvalidRequest', organizerOnlyMessage);
    }
    const record = { at: Date.now(), comment, via };
    cancelAttendeeCopies(tenant, item);
    if (item.type === 'occurrence' || item.type === 'exception') {
        item.state = 'cancelledOccurrence';
        item.cancel = record;
        touch(item);
        recordOnMaster(mailbox, item);
        return;
    }
    if (item.type === 'seriesMaster') removeActiveInstances(mailbox, item);
    item.cancel = record;
    moveToDeletedItems(mailbox, item);
}

/** `DELETE …/events/{id}`: the organizer's delete cancels the meeting; an attendee removes only their copy. */
export function deleteEvent(tenant: Tenant, mailbox: Mailbox, item: EventItem): void {
    if (item.isOrganizer && item.attendees.length > 0) {
        cancelEvent(tenant, mailbox, item, null, 'delete');
        return;
    }
    if (item.type === 'occurrence' || item.type === 'exception') {
        item.state = 'removed';
        touch(item);
        recordOnMaster(mailbox, item);
        return;
    }
    if (item.type === 'seriesMaster') removeActiveInstances(mailbox, item);
    moveToDeletedItems(mailbox, item);
}

function attendeesWire(item: EventItem): unknown[] {
    return item.attendees.map((a) => ({
        type: a.type,
        status: { response: a.response, time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: a.emailAddress.name, address: a.emailAddress.address },
    }));
}

/** The event as Graph returns it (v1.0 or beta), all properties. */
export function eventWire(item: EventItem, mailbox: Mailbox, version: 'v1.0' | 'beta'): Record<string, unknown> {
    const master = item.seriesMasterId ? mailbox.items.get(item.seriesMasterId) : undefined;
    const wire: Record<string, unknown> = {
        '@odata.etag': `W/"${item.changeKey}"`,
        id: item.id,
        createdDateTime: isoInstant(item.createdDateTime),
        lastModifiedDateTime: isoInstant(item.lastModifiedDateTime),
        changeKey: item.changeKey,
        categories: [...item.categories],
        transactionId: null,
        originalStartTimeZone: 'UTC',
        originalEndTimeZone: 'UTC',
        iCalUId: item.iCalUId,
        reminderMinutesBeforeStart: 15,
        isReminderOn: true,
        hasAttachments: false,
        subject: item.subject,
        bodyPreview: item.body.slice(0, 255),
        importance: 'normal',
        sensitivity: 'normal',
        isAllDay: false,
        isCancelled: item.isCancelled,
        isOrganizer: item.isOrganizer,
        responseRequested: true,
        seriesMasterId: item.seriesMasterId,
        showAs: item.isCancelled ? 'free' : 'busy',
        type: item.type,
        webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(item.id)}&exvsurl=1&path=/calendar/item`,
        onlineMeetingUrl: null,
        isOnlineMeeting: false,
        onlineMeetingProvider: 'unknown',
        allowNewTimeProposals: true,
        isDraft: false,
        hideAttendees: false,
        responseStatus: item.responseStatus,
        body: { contentType: 'html', content: item.body ? `<html><body>${item.body}</body></html>` : '' },
        start: eventDateTime(item.start),
        end: eventDateTime(item.end),
        location: {
            displayName: item.location,
            locationType: 'default',
            uniqueIdType: item.location ? 'private' : 'unknown',
            address: {},
            coordinates: {},
        },
        locations: item.location ? [{ displayName: item.location, locationType: 'default' }] : [],
        recurrence: item.recurrence
            ? {
                  pattern: {
                      type: 'weekly',
                      interval: item.recurrence.interval,
                      month: 0,
                      dayOfMonth: 0,
                      daysOfWeek: [item.recurrence.dayOfWeek],
                      firstDayOfWeek: 'sunday',
                      index: 'first',
                  },
                  range: recurrenceRangeWire(item.recurrence),
              }
            : null,
        attendees: attendeesWire(item),
        organizer: { emailAddress: { name: item.organizer.name, address: item.organizer.address } },
        onlineMeeting: null,
    };
    // Both versions declare these (msgraph-metadata; test/fixtures/graphMetadata.json). Graph leaves
    // `originalStart` out on single instances.
    if (item.type === 'seriesMaster') wire.cancelledOccurrences = [...item.cancelledOccurrences];
    if (item.type === 'occurrence' || item.type === 'exception') {
        wire.originalStart = isoInstant(item.originalStart ?? item.start);
    }
    if (version === 'beta') {
        wire.uid = item.iCalUId;
        wire.occurrenceId = master ? occurrenceId(master, item) : null;
    }
    return wire;
}

/** Applies `$select`: the selected properties plus `id` and `@odata.etag`, as Graph returns them. */
export function applySelect(wire: Record<string, unknown>, select: string | undefined): Record<string, unknown> {
    if (select === undefined || select.trim() === '') return wire;
    const wanted = select
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    const byLower = new Map(Object.keys(wire).map((k) => [k.toLowerCase(), k]));
    const out: Record<string, unknown> = {};
    if ('@odata.etag' in wire) out['@odata.etag'] = wire['@odata.etag'];
    out.id = wire.id;
    for (const name of wanted) {
        const key = byLower.get(name.toLowerCase());
        if (!key || key.startsWith('@')) {
            throw new GraphError(
                400,
                'RequestBroker--ParseUri',
                `Could not find a property named '${name}' on type 'microsoft.graph.event'.`,
            );
        }
        out[key] = wire[key];
    }
    return out;
}

/** Admin view of one item: everything, including where it is now and the cancel record. */
export function adminItemView(item: EventItem, mailbox: Mailbox): Record<string, unknown> {
    const calendar = mailbox.calendars.find((c) => c.id === item.calendarId);
    return {
        id: item.id,
        previousIds: item.previousIds,
        folder: item.state === 'active' ? (calendar?.name ?? null) : item.state === 'deleted' ? 'Deleted Items' : null,
        state: item.state,
        calendarId: item.state === 'active' ? item.calendarId : null,
        subject: item.subject,
        type: item.type,
        seriesMasterId: item.seriesMasterId,
        iCalUId: item.iCalUId,
        isOrganizer: item.isOrganizer,
        isCancelled: item.isCancelled,
        start: eventDateTime(item.start),
        end: eventDateTime(item.end),
        organizer: item.organizer,
        attendees: item.attendees.map((a) => a.emailAddress.address),
        changeKey: item.changeKey,
        cancelledAt: item.cancel ? isoInstant(item.cancel.at) : null,
        cancelComment: item.cancel?.comment ?? null,
        cancelledVia: item.cancel?.via ?? null,
        response: item.responseStatus.response,
        categories: [...item.categories],
        recurrenceEndDate: item.recurrence?.endDate ?? null,
    };
}
