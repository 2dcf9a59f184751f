import { QueueClient, RestError } from '@azure/storage-queue';
import {
    type NotificationMessage,
    type NotificationQueue,
    notificationMessageSchema,
} from '../../domain/notifications/notificationMessage';
import { encodeQueueMessage } from './queueMessageCodec';

export interface EnqueueOptions {
    /** Keeps the message invisible this long (0..7 days): a delayed retry by re-enqueueing. */
    readonly visibilityTimeoutSeconds?: number | undefined;
}

/** Storage queues accept messages up to 64 KiB of (base64) text. */
const maxMessageChars = 64 * 1024;
const maxVisibilitySeconds = 7 * 24 * 60 * 60;

/**
 * {@link NotificationQueue} on an Azure Storage queue (`notifications` by default). Messages are validated with
 * {@link notificationMessageSchema} before anything is sent, then sent as base64 JSON, which is what the Functions
 * queue trigger expects. The queue is created on first use.
 */
export class StorageNotificationQueue implements NotificationQueue {
    private ready: Promise<QueueClient> | undefined;

    constructor(readonly client: QueueClient) {}

    static fromConnectionString(connectionString: string, queueName = 'notifications'): StorageNotificationQueue {
        return new StorageNotificationQueue(new QueueClient(connectionString, queueName));
    }

    async enqueue(message: NotificationMessage, options: EnqueueOptions = {}): Promise<void> {
        const parsed = notificationMessageSchema.parse(message);
        const visibility = options.visibilityTimeoutSeconds;
        if (
            visibility !== undefined &&
            !(Number.isInteger(visibility) && visibility >= 0 && visibility <= maxVisibilitySeconds)
        ) {
            throw new RangeError(`visibilityTimeoutSeconds must be an integer 0..${maxVisibilitySeconds}`);
        }
        const text = encodeQueueMessage(parsed);
        if (text.length > maxMessageChars) throw new RangeError('notification message exceeds 64 KiB');
        const client = await this.queue();
        await client.sendMessage(text, visibility === undefined ? {} : { visibilityTimeout: visibility });
    }

    private queue(): Promise<QueueClient> {
        this.ready ??= this.client.createIfNotExists().then(
            () => this.client,
            (error: unknown) => {
                if (error instanceof RestError && error.statusCode === 409) return this.client;
                this.ready = undefined;
                throw error;
            },
        );
        return this.ready;
    }
}
