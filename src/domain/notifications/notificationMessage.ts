import { z } from 'zod';

export const notificationEventTypes = [
    'event.cancelled',
    'bookingAppointment.cancelled',
    'cancellation.verified',
    'cancellation.drifted',
    'cancellation.failed',
] as const;

export type NotificationEventType = (typeof notificationEventTypes)[number];

/**
 * One message on the `notifications` queue per (cancellation, event type). It is thin on purpose: the queue
 * function reads the record for the payload, and `messageId` is derived from the pair so that a message enqueued
 * twice (at-least-once outbox) yields the same `webhook-id` and receivers dedupe it.
 */
export const notificationMessageSchema = z
    .object({
        schemaVersion: z.literal(1),
        messageId: z.string().min(1).max(200),
        type: z.enum(notificationEventTypes),
        tenantId: z.guid(),
        cancellationId: z.string().min(1).max(100),
        /** ISO 8601 UTC instant of the state change. */
        occurredAt: z.iso.datetime(),
    })
    .strict();

export type NotificationMessage = z.infer<typeof notificationMessageSchema>;

export function notificationMessage(
    type: NotificationEventType,
    tenantId: string,
    cancellationId: string,
    occurredAt: string,
): NotificationMessage {
    return { schemaVersion: 1, messageId: `${cancellationId}.${type}`, type, tenantId, cancellationId, occurredAt };
}

/** Where notification messages go (Azure Storage queue `notifications`). */
export interface NotificationQueue {
    enqueue(message: NotificationMessage): Promise<void>;
}
