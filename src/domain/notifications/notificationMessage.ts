import * as z from 'zod';

/** What happened to one cancellation record. */
export const cancellationEventTypes = [
    'event.cancelled',
    'bookingAppointment.cancelled',
    'cancellation.verified',
    'cancellation.drifted',
    'cancellation.failed',
] as const;

/** What happened to a bulk cancellation job (issue 17): it ended (completed, stopped, failed), or it paused. */
export const jobEventTypes = ['cancellationJob.completed', 'cancellationJob.paused'] as const;

export const notificationEventTypes = [...cancellationEventTypes, ...jobEventTypes] as const;

export type CancellationEventType = (typeof cancellationEventTypes)[number];
export type JobEventType = (typeof jobEventTypes)[number];
export type NotificationEventType = (typeof notificationEventTypes)[number];

/**
 * One message on the `notifications` queue per (cancellation, event type). It is thin on purpose: the queue
 * function reads the record for the payload, and `messageId` is derived from the pair so that a message enqueued
 * twice (at-least-once outbox) yields the same `webhook-id` and receivers dedupe it.
 */
export const cancellationNotificationMessageSchema = z
    .object({
        schemaVersion: z.literal(1),
        messageId: z.string().min(1).max(200),
        type: z.enum(cancellationEventTypes),
        tenantId: z.guid(),
        cancellationId: z.string().min(1).max(100),
        /** ISO 8601 UTC instant of the state change. */
        occurredAt: z.iso.datetime(),
    })
    .strict();

/**
 * One message per (job, event): thin too, the fan-out reads the job and its counts. A pause carries its resume time,
 * because the job may be running again by the time the message is fanned out, and a job pauses once per spent day
 * (`messageId` names the pause by its time).
 */
export const jobNotificationMessageSchema = z
    .object({
        schemaVersion: z.literal(1),
        messageId: z.string().min(1).max(200),
        type: z.enum(jobEventTypes),
        tenantId: z.guid(),
        jobId: z.string().min(1).max(100),
        occurredAt: z.iso.datetime(),
        /** `cancellationJob.paused`: when the job goes on by itself (ISO 8601 UTC). */
        resumeAt: z.iso.datetime().optional(),
    })
    .strict();

/** A message on the `notifications` queue: about a cancellation record, or about a bulk job (keyed by `type`). */
export const notificationMessageSchema = z.discriminatedUnion('type', [
    cancellationNotificationMessageSchema,
    jobNotificationMessageSchema,
]);

/** Notifications in one queue message at most: about 8 KiB of JSON, well under a queue message's 64 KiB. */
export const maxNotificationsPerMessage = 32;

/**
 * Several cancellations' notifications in one queue message: what the notification relay sends for the cancellations
 * answered within its window (one queue write, one fan-out invocation). Each is handled as a message of its own.
 */
export const notificationBatchSchema = z.strictObject({
    schemaVersion: z.literal(1),
    notifications: z.array(cancellationNotificationMessageSchema).min(1).max(maxNotificationsPerMessage),
});

/** What the `notifications` queue carries: one notification, or a batch of cancellations' notifications. */
export const notificationsQueueMessageSchema = z.union([notificationMessageSchema, notificationBatchSchema]);

export type NotificationsQueueMessage = z.infer<typeof notificationsQueueMessageSchema>;

/** The notifications a queue message carries, in order. */
export function notificationsIn(message: NotificationsQueueMessage): readonly NotificationMessage[] {
    return 'notifications' in message ? message.notifications : [message];
}

export type CancellationNotificationMessage = z.infer<typeof cancellationNotificationMessageSchema>;
export type JobNotificationMessage = z.infer<typeof jobNotificationMessageSchema>;
export type NotificationMessage = CancellationNotificationMessage | JobNotificationMessage;

export function isJobMessage(message: NotificationMessage): message is JobNotificationMessage {
    return (jobEventTypes as readonly string[]).includes(message.type);
}

/** The record or job a message is about, as logs name it (`cancellationJobId` as the job's worker logs it). */
export function logFieldsOf(message: NotificationMessage): { cancellationId: string } | { cancellationJobId: string } {
    return isJobMessage(message) ? { cancellationJobId: message.jobId } : { cancellationId: message.cancellationId };
}

export function notificationMessage(
    type: CancellationEventType,
    tenantId: string,
    cancellationId: string,
    occurredAt: string,
): CancellationNotificationMessage {
    return { schemaVersion: 1, messageId: `${cancellationId}.${type}`, type, tenantId, cancellationId, occurredAt };
}

/** Where notification messages go (Azure Storage queue `notifications`). */
export interface NotificationQueue {
    enqueue(message: NotificationMessage): Promise<void>;
}

/** The same queue, for the relay: up to {@link maxNotificationsPerMessage} cancellations' notifications in one message. */
export interface NotificationBatchQueue {
    enqueueAll(messages: readonly CancellationNotificationMessage[]): Promise<void>;
}
