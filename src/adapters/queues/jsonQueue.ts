import { type QueueClient, RestError } from '@azure/storage-queue';
import { encodeQueueMessage } from './queueMessageCodec';

/** Storage queues accept messages up to 64 KiB of (base64) text. */
const maxMessageChars = 64 * 1024;
const maxVisibilitySeconds = 7 * 24 * 60 * 60;

/**
 * A Storage queue of JSON messages as the Functions queue trigger reads them (base64), created on first use, with
 * an optional visibility delay for retries by re-enqueueing.
 */
export class JsonQueue {
    private ready: Promise<QueueClient> | undefined;

    constructor(readonly client: QueueClient) {}

    async send(value: unknown, visibilityTimeoutSeconds?: number): Promise<void> {
        if (
            visibilityTimeoutSeconds !== undefined &&
            !(
                Number.isInteger(visibilityTimeoutSeconds) &&
                visibilityTimeoutSeconds >= 0 &&
                visibilityTimeoutSeconds <= maxVisibilitySeconds
            )
        ) {
            throw new RangeError(`visibilityTimeoutSeconds must be an integer 0..${maxVisibilitySeconds}`);
        }
        const text = encodeQueueMessage(value);
        if (text.length > maxMessageChars) throw new RangeError(`message for ${this.client.name} exceeds 64 KiB`);
        const client = await this.queue();
        await client.sendMessage(text, visibilityTimeoutSeconds ? { visibilityTimeout: visibilityTimeoutSeconds } : {});
    }

    /** Sends text as it is (a message being moved, e.g. to a poison queue). */
    async sendRaw(text: string): Promise<void> {
        const client = await this.queue();
        await client.sendMessage(text);
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
