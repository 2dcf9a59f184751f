/**
 * The Functions host reads queue messages as base64 (host.json `messageEncoding` defaults to `base64`), while
 * `@azure/storage-queue` sends text as it is: a raw JSON message fails to decode and lands in `<queue>-poison`
 * (azure-sdk-for-net#21449). Everything this app enqueues goes through {@link encodeQueueMessage}.
 */
export function encodeQueueMessage(value: unknown): string {
    return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}

/** The JSON value of a base64 queue message text (as received with `@azure/storage-queue`). */
export function decodeQueueMessage(text: string): unknown {
    return JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
}
