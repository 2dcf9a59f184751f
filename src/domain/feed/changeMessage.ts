import { z } from 'zod';

/** The Storage queue between the feed's intake (HTTP, timers) and its classification worker. */
export const graphChangesQueueName = 'graph-changes';

/**
 * One message on the `graph-changes` queue: an item of a watched calendar or booking business that may have been
 * cancelled outside the gateway. Thin on purpose: the worker reads the item (or the snapshot) itself, so a message
 * queued twice, or for an item that did not become a cancellation, does nothing the second time.
 *
 * - `event`: an Outlook event changed or was deleted (a Graph change notification, or a delta catch-up item).
 *   `eventId` is Graph's immutable id as the notification's `resourceData.id` gives it.
 * - `bookingAppointment`: the Bookings poll saw an appointment disappear before its start; the snapshot it kept
 *   travels in the message because Graph no longer has the item.
 */
export const feedChangeMessageSchema = z.discriminatedUnion('kind', [
    z.strictObject({
        schemaVersion: z.literal(1),
        kind: z.literal('event'),
        tenantId: z.guid(),
        /** The watched mailbox (user object id) whose copy changed. */
        mailbox: z.string().min(1).max(200),
        eventId: z.string().min(1).max(400),
        changeType: z.enum(['updated', 'deleted']),
        /** Graph subscription that reported it; absent for delta catch-up. */
        subscriptionId: z.string().min(1).max(200).optional(),
        /** ISO 8601 UTC instant the gateway learned of it. */
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
