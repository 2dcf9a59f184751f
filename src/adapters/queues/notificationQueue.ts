import type { QueueClient } from '@azure/storage-queue';
import {
    type CancellationNotificationMessage,
    type NotificationBatchQueue,
    notificationBatchSchema,
    type NotificationMessage,
    type NotificationQueue,
    notificationMessageSchema,
} from '../../domain/notifications/notificationMessage';
import type { NotificationRedriveQueue } from '../../domain/webhooks/poison';
import { JsonQueue } from './jsonQueue';
import { notificationsQueueName } from './notificationsQueueName';

export { notificationsQueueName };

export interface EnqueueOptions {
    /** Keeps the message invisible this long (0..7 days): a delayed retry by re-enqueueing. */
    readonly visibilityTimeoutSeconds?: number | undefined;
}

/**
 * {@link NotificationQueue} and {@link NotificationBatchQueue} on an Azure Storage queue (`notifications` by default).
 * Messages are validated with their schema before anything is sent, then sent as base64 JSON, which is what the
 * Functions queue trigger expects. The queue is created on first use.
 */
export class StorageNotificationQueue implements NotificationQueue, NotificationBatchQueue {
    private readonly queue: JsonQueue;

    constructor(readonly client: QueueClient) {
        this.queue = new JsonQueue(client);
    }

    async enqueue(message: NotificationMessage, options: EnqueueOptions = {}): Promise<void> {
        await this.queue.send(notificationMessageSchema.parse(message), options.visibilityTimeoutSeconds);
    }

    /** One message: the notification itself when there is one, a batch otherwise. */
    async enqueueAll(messages: readonly CancellationNotificationMessage[]): Promise<void> {
        const [only] = messages;
        if (messages.length === 1 && only !== undefined) return this.enqueue(only);
        await this.queue.send(notificationBatchSchema.parse({ schemaVersion: 1, notifications: messages }));
    }
}

const maxVisibilityMs = 7 * 24 * 3_600_000;

/** {@link NotificationRedriveQueue} on the same queue: a delay becomes the message's visibility timeout (≤ 7 days). */
export function notificationRedriveQueue(queue: StorageNotificationQueue): NotificationRedriveQueue {
    return {
        enqueue: (message, delayMs) =>
            queue.enqueue(message, {
                visibilityTimeoutSeconds: Math.ceil(Math.min(Math.max(delayMs, 0), maxVisibilityMs) / 1000),
            }),
    };
}
