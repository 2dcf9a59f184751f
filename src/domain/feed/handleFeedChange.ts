import type { Directory } from '../access/ports';
import { unconfiguredSchedule } from '../cancellation/checkSchedule';
import { type OutboxDeps, sendPendingNotification } from '../cancellation/outbox';
import type { CancellationRecord } from '../cancellation/record';
import { ItemClaimed } from '../cancellation/store';
import { bookingSnapshotSchema } from './bookingSnapshot';
import type { FeedChangeMessage } from './changeMessage';
import { classifyEventChange } from './classifyEvent';
import { meetingKey } from './meetingKey';
import { observedActor, outsideRecord } from './outsideRecord';
import type { RecentlyRecordedCopies } from './recentlyRecordedCopies';
import type { FeedEvent, FeedGraph } from './feedGraph';

export interface FeedWorkerDeps extends OutboxDeps {
    readonly graph: FeedGraph;
    /** Resolves an attendee copy's organizer address to the tenant user who owns the record. */
    readonly directory: Pick<Directory, 'findUser'>;
    readonly newId: () => string;
    /** Copies whose meeting this process recorded lately: their duplicates skip the Graph reads. */
    readonly recentlyRecorded?: RecentlyRecordedCopies | undefined;
}

/** What one message came to: a record (with its id), a duplicate of a recorded meeting, or nothing and why. */
export type FeedChangeOutcome =
    | { readonly outcome: 'recorded'; readonly recordId: string; readonly resourceKey: string }
    | { readonly outcome: 'alreadyRecorded'; readonly key: string }
    | { readonly outcome: 'notACancellation'; readonly reason: string };

/**
 * The `graph-changes` worker's decision for one message (docs/feed.md): read the item, classify it, and record an
 * outside cancellation once per meeting, with its `event.cancelled` / `bookingAppointment.cancelled` notification
 * through the outbox. Safe to run twice for one message: the meeting's pointer row makes the second a duplicate.
 */
export async function handleFeedChange(message: SingleChangeMessage, deps: FeedWorkerDeps): Promise<FeedChangeOutcome> {
    return message.kind === 'event' ? handleEventChange(message, deps) : handleBookingChange(message, deps);
}

/** What one item of a message came to. */
export interface FeedItemOutcome {
    /** The event or appointment id. */
    readonly item: string;
    readonly result: FeedChangeOutcome;
}

/**
 * Every item of a message: an `events` message's items one after another, each as its own `event` message. Each
 * item is tried even when an earlier one failed; then the first failure is thrown, so the host retries the whole
 * message, which is safe: items already recorded find their meeting's pointer and do nothing.
 */
export async function handleFeedChanges(message: FeedChangeMessage, deps: FeedWorkerDeps): Promise<FeedItemOutcome[]> {
    if (message.kind !== 'events') {
        const item = message.kind === 'event' ? message.eventId : message.appointmentId;
        return [{ item, result: await handleFeedChange(message, deps) }];
    }
    const outcomes: FeedItemOutcome[] = [];
    const failures: unknown[] = [];
    for (const item of message.items) {
        const single: EventMessage = {
            schemaVersion: 1,
            kind: 'event',
            tenantId: message.tenantId,
            ...item,
            observedAt: message.observedAt,
        };
        try {
            outcomes.push({ item: item.eventId, result: await handleEventChange(single, deps) });
        } catch (error) {
            failures.push(error);
        }
    }
    if (failures.length > 0) throw failures[0];
    return outcomes;
}

type SingleChangeMessage = Exclude<FeedChangeMessage, { kind: 'events' }>;
type EventMessage = Extract<FeedChangeMessage, { kind: 'event' }>;
type BookingMessage = Extract<FeedChangeMessage, { kind: 'bookingAppointment' }>;

async function handleEventChange(message: EventMessage, deps: FeedWorkerDeps): Promise<FeedChangeOutcome> {
    const recent = deps.recentlyRecorded?.find(message.mailbox, message.eventId);
    if (recent !== undefined) return { outcome: 'alreadyRecorded', key: recent };
    const outcome = await classifyAndRecordEvent(message, deps);
    if (outcome.outcome !== 'notACancellation') {
        const key = outcome.outcome === 'recorded' ? outcome.resourceKey : outcome.key;
        deps.recentlyRecorded?.remember(message.mailbox, message.eventId, key);
    }
    return outcome;
}

async function classifyAndRecordEvent(message: EventMessage, deps: FeedWorkerDeps): Promise<FeedChangeOutcome> {
    const event = await deps.graph.readEvent(message.mailbox, message.eventId);
    const classification = await classifyEventChange({
        changeType: message.changeType,
        event,
        inCalendar: async () => {
            if (event?.parentFolderId === undefined) return false;
            const calendars = await deps.graph.calendarFolderIds(message.mailbox);
            return calendars.includes(event.parentFolderId);
        },
    });
    if (!classification.cancelled || event === null) {
        return { outcome: 'notACancellation', reason: classification.cancelled ? 'gone' : classification.reason };
    }
    const organizer = await organizerOf(message, event, deps);
    const key = meetingKey({ organizer: event.organizer?.address, iCalUId: event.iCalUId, start: event.start });
    // Without the three parts (Graph left one out), the copy itself is the meeting: still reported once per copy.
    const resourceKey = `meeting|${key ?? `${message.mailbox}|${event.id}`}`;
    return record(
        {
            kind: 'event',
            origin: 'outlook',
            actor: observedActor(organizer.objectId, organizer.userPrincipalName),
            resource: {
                version: 'v1.0',
                graphPath: deps.graph.eventPath(organizer.mailbox ?? message.mailbox, organizer.eventId ?? event.id),
                resourceKey,
                meetingKey: key,
                mailbox: `user:${organizer.mailbox ?? message.mailbox}`,
                eventId: organizer.eventId ?? event.id,
                immutableId: organizer.eventId ?? event.id,
                eventType: event.type,
                seriesMasterId: event.seriesMasterId,
                iCalUId: event.iCalUId,
                subject: event.subject,
                start: event.start,
                end: event.end,
            },
            audience: event.attendees,
        },
        message.tenantId,
        deps,
    );
}

interface OrganizerRef {
    /** Who owns the record: the organizer's object id, or their address when they are not a user of the tenant. */
    readonly objectId: string;
    readonly userPrincipalName: string | undefined;
    /** The organizer's mailbox (object id) and event id, when the copy read is the organizer's own. */
    readonly mailbox?: string | undefined;
    readonly eventId?: string | undefined;
}

async function organizerOf(message: EventMessage, event: FeedEvent, deps: FeedWorkerDeps): Promise<OrganizerRef> {
    const address = event.organizer?.address ?? undefined;
    if (event.isOrganizer) {
        return { objectId: message.mailbox, userPrincipalName: address, mailbox: message.mailbox, eventId: event.id };
    }
    const user = address === undefined ? null : await deps.directory.findUser(address);
    if (user !== null) return { objectId: user.id, userPrincipalName: user.userPrincipalName };
    // An organizer outside the tenant (or unknown): the record is readable by administrators only.
    return { objectId: address?.toLowerCase() ?? 'unknown-organizer', userPrincipalName: address };
}

async function handleBookingChange(message: BookingMessage, deps: FeedWorkerDeps): Promise<FeedChangeOutcome> {
    const parsed = bookingSnapshotSchema.safeParse(JSON.parse(message.snapshot));
    if (!parsed.success) return { outcome: 'notACancellation', reason: 'unreadableSnapshot' };
    const snapshot = parsed.data;
    // An appointment whose start has passed ended; it was not cancelled (the poll says the same).
    if (Date.parse(snapshot.start) <= Date.parse(message.observedAt)) {
        return { outcome: 'notACancellation', reason: 'startPassed' };
    }
    const businessId = message.businessId;
    return record(
        {
            kind: 'bookingAppointment',
            origin: 'bookings',
            actor: observedActor(businessId.toLowerCase(), businessId),
            resource: {
                version: 'v1.0',
                graphPath: deps.graph.appointmentPath(businessId, message.appointmentId),
                // The gateway's own key for the appointment: a gateway cancel of it holds this pointer already.
                resourceKey: `bookingAppointment|${businessId.toLowerCase()}|${message.appointmentId}`,
                mailbox: businessId,
                businessId,
                appointmentId: message.appointmentId,
                subject: snapshot.serviceName,
                start: snapshot.start,
                end: snapshot.end,
            },
            audience: snapshot.customers,
        },
        message.tenantId,
        deps,
    );
}

async function record(
    what: Pick<CancellationRecord, 'kind' | 'actor' | 'resource' | 'audience'> & { origin: 'outlook' | 'bookings' },
    tenantId: string,
    deps: FeedWorkerDeps,
): Promise<FeedChangeOutcome> {
    const now = deps.clock.now();
    const next = outsideRecord({
        ...what,
        id: deps.newId(),
        tenantId,
        now: now.toISOString(),
        notificationOwedAt: unconfiguredSchedule.notificationOwed(now, undefined),
    });
    let stored;
    try {
        stored = await deps.store.create(next);
    } catch (error) {
        if (error instanceof ItemClaimed) return { outcome: 'alreadyRecorded', key: error.resourceKey };
        throw error;
    }
    await sendPendingNotification(stored, deps, { nextCheckAt: undefined });
    return { outcome: 'recorded', recordId: next.id, resourceKey: next.resource.resourceKey };
}
