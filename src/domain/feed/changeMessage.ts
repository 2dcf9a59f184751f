import * as z from 'zod';

/** Event items one `events` message carries at most: Graph batches up to 100 notifications in one POST. */
export const maxEventsPerMessage = 100;
/**
 * JSON characters one `events` message may take: the queue trigger reads base64 (4/3 of the JSON) and Storage
 * queues take 64 KiB of it, so 45,000 characters leave room to spare; a larger batch is split.
 */
export const maxEventsMessageJsonChars = 45_000;

/** One changed event of a watched mailbox. */
const eventItemFields = {
    /** The watched mailbox (user object id) whose copy changed. */
    mailbox: z.string().min(1).max(200),
    /** Graph's immutable id as the notification's `resourceData.id` gives it. */
    eventId: z.string().min(1).max(400),
    changeType: z.enum(['updated', 'deleted']),
    /** Graph subscription that reported it; absent for delta catch-up. */
    subscriptionId: z.string().min(1).max(200).optional(),
};
export const feedEventItemSchema = z.strictObject(eventItemFields);
export type FeedEventItem = z.infer<typeof feedEventItemSchema>;

/**
 * One message on the `graph-changes` queue: an item of a watched calendar or booking business that may have been
 * cancelled outside the gateway. Thin on purpose: the worker reads the item (or the snapshot) itself, so a message
 * queued twice, or for an item that did not become a cancellation, does nothing the second time.
 *
 * - `event`: an Outlook event changed or was deleted (a Graph change notification, or a delta catch-up item).
 *   `eventId` is Graph's immutable id as the notification's `resourceData.id` gives it.
 * - `events`: the accepted items of one notification POST (or delta page), each as an `event` message's, written as
 *   one queue message so the intake's answer costs one queue write; each item is handled as an `event` message.
 * - `bookingAppointment`: the Bookings poll saw an appointment disappear before its start; the snapshot it kept
 *   travels in the message because Graph no longer has the item.
 */
export const feedChangeMessageSchema = z.discriminatedUnion('kind', [
    z.strictObject({
        schemaVersion: z.literal(1),
        kind: z.literal('event'),
        tenantId: z.guid(),
        ...eventItemFields,
        /** ISO 8601 UTC instant the gateway learned of it. */
        observedAt: z.iso.datetime(),
    }),
    z.strictObject({
        schemaVersion: z.literal(1),
        kind: z.literal('events'),
        tenantId: z.guid(),
        items: z.array(feedEventItemSchema).min(1).max(maxEventsPerMessage),
        /** ISO 8601 UTC instant the gateway learned of them. */
        observedAt: z.iso.datetime(),
    }),
    z.strictObject({
        schemaVersion: z.literal(1),
        kind: z.literal('bookingAppointment'),
        tenantId: z.guid(),
        businessId: z.string().min(1).max(400),
        appointmentId: z.string().min(1).max(400),
        /** The appointment as the last poll saw it (JSON of the snapshot row). */
        snapshot: z.string().min(2).max(48_000),
        observedAt: z.iso.datetime(),
    }),
]);

export type FeedChangeMessage = z.infer<typeof feedChangeMessageSchema>;

/** Where the feed's intake puts work for the classification worker. */
export interface FeedChangeQueue {
    enqueue(message: FeedChangeMessage): Promise<void>;
}

type EventsMessage = Extract<FeedChangeMessage, { kind: 'events' }>;

/**
 * The `events` messages for a list of changed items: at most {@link maxEventsPerMessage} items and
 * {@link maxEventsMessageJsonChars} of JSON each, in order (one message for a Graph batch of ordinary size).
 */
export function eventsMessages(
    items: readonly FeedEventItem[],
    envelope: { readonly tenantId: string; readonly observedAt: string },
): EventsMessage[] {
    const emptyChars = JSON.stringify({ schemaVersion: 1, kind: 'events', ...envelope, items: [] }).length;
    const messages: EventsMessage[] = [];
    let current: FeedEventItem[] = [];
    let chars = emptyChars;
    for (const item of items) {
        const itemChars = JSON.stringify(item).length + 1; // its comma
        if (
            current.length > 0 &&
            (current.length >= maxEventsPerMessage || chars + itemChars > maxEventsMessageJsonChars)
        ) {
            messages.push({ schemaVersion: 1, kind: 'events', ...envelope, items: current });
            current = [];
            chars = emptyChars;
        }
        current.push(item);
        chars += itemChars;
    }
    if (current.length > 0) messages.push({ schemaVersion: 1, kind: 'events', ...envelope, items: current });
    return messages;
}
