import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { StorageNotificationQueue } from '../../src/adapters/queues/notificationQueue';
import { decodeQueueMessage, encodeQueueMessage } from '../../src/adapters/queues/queueMessageCodec';
import {
    type NotificationMessage,
    notificationMessage,
    notificationMessageSchema,
    notificationsQueueMessageSchema,
} from '../../src/domain/notifications/notificationMessage';
import { testStorageConnectionString } from '../support/storage';
import { until } from '../support/until';
import { uniqueName } from './fixtures';

let client: QueueClient;
let queue: StorageNotificationQueue;

beforeAll(() => {
    client = new QueueClient(testStorageConnectionString(), uniqueName('notifications'));
    queue = new StorageNotificationQueue(client);
});

afterAll(async () => {
    await client.deleteIfExists();
});

const tenantId = randomUUID();

describe('StorageNotificationQueue', () => {
    test('creates the queue and sends base64 JSON that parses with the schema', async () => {
        const message = notificationMessage('event.cancelled', tenantId, 'c-1', '2026-03-01T10:00:00.000Z');
        await queue.enqueue(message);
        await queue.enqueue(notificationMessage('cancellation.verified', tenantId, 'c-1', '2026-03-01T10:05:00Z'));

        const received = await client.receiveMessages({ numberOfMessages: 2 });
        expect(received.receivedMessageItems).toHaveLength(2);
        const [first] = received.receivedMessageItems;
        const text = first?.messageText ?? '';
        expect(text).toMatch(/^[A-Za-z0-9+/]+=*$/);
        expect(Buffer.from(text, 'base64').toString('utf8')).toBe(JSON.stringify(message));
        expect(notificationMessageSchema.parse(decodeQueueMessage(text))).toEqual(message);
    });

    test('sends several notifications in one message, and a lone one as itself', async () => {
        const batched = new StorageNotificationQueue(
            new QueueClient(testStorageConnectionString(), uniqueName('batched')),
        );
        const first = notificationMessage('event.cancelled', tenantId, 'c-1', '2026-03-01T10:00:00.000Z');
        const second = notificationMessage('bookingAppointment.cancelled', tenantId, 'c-2', '2026-03-01T10:00:01.000Z');
        try {
            await batched.enqueueAll([first, second]);
            await batched.enqueueAll([first]);
            const received = await batched.client.receiveMessages({ numberOfMessages: 5 });
            expect(
                received.receivedMessageItems.map((item) =>
                    notificationsQueueMessageSchema.parse(decodeQueueMessage(item.messageText)),
                ),
            ).toEqual([{ schemaVersion: 1, notifications: [first, second] }, first]);
        } finally {
            await batched.client.deleteIfExists();
        }
    });

    test('an invalid message is refused before anything is sent', async () => {
        const before = await client.getProperties();
        const bad = [
            { ...notificationMessage('event.cancelled', 'not-a-guid', 'c', '2026-03-01T10:00:00Z') },
            { ...notificationMessage('event.cancelled', tenantId, 'c', 'yesterday') },
            { ...notificationMessage('event.cancelled', tenantId, 'c', '2026-03-01T10:00:00Z'), extra: 1 },
            { ...notificationMessage('event.cancelled', tenantId, 'c', '2026-03-01T10:00:00Z'), type: 'nope' },
        ];
        for (const message of bad) {
            await expect(queue.enqueue(message as NotificationMessage)).rejects.toThrow();
        }
        const after = await client.getProperties();
        expect(after.approximateMessagesCount).toBe(before.approximateMessagesCount);
    });

    test('a visibility delay hides the message until it passes', async () => {
        const delayed = new StorageNotificationQueue(
            new QueueClient(testStorageConnectionString(), uniqueName('delayed')),
        );
        const message = notificationMessage('cancellation.failed', tenantId, 'c-2', '2026-03-01T10:00:00Z');
        await delayed.enqueue(message, { visibilityTimeoutSeconds: 2 });
        expect((await delayed.client.receiveMessages()).receivedMessageItems).toHaveLength(0);
        const items = await until('the delayed message to become visible', async () => {
            const received = (await delayed.client.receiveMessages()).receivedMessageItems;
            return received.length > 0 ? received : undefined;
        });
        expect(items.map((item) => decodeQueueMessage(item.messageText))).toEqual([message]);
        await expect(delayed.enqueue(message, { visibilityTimeoutSeconds: -1 })).rejects.toThrow(RangeError);
        await delayed.client.delete();
    });

    test('codec round-trips unicode', () => {
        const value = { a: 'Zoë 📅', n: [1, 2] };
        expect(decodeQueueMessage(encodeQueueMessage(value))).toEqual(value);
    });
});
