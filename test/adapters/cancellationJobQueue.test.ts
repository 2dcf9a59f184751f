import { randomUUID } from 'node:crypto';
import { QueueClient } from '@azure/storage-queue';
import { StorageJobQueue } from '../../src/adapters/queues/cancellationJobQueue';
import { JsonQueue } from '../../src/adapters/queues/jsonQueue';
import { decodeQueueMessage } from '../../src/adapters/queues/queueMessageCodec';
import { testStorageConnectionString } from '../support/storage';
import { uniqueName } from './fixtures';

let client: QueueClient;
let queue: StorageJobQueue;

beforeAll(() => {
    client = new QueueClient(testStorageConnectionString(), uniqueName('cancellation-jobs'));
    queue = new StorageJobQueue(new JsonQueue(client));
});

afterAll(async () => {
    await client.deleteIfExists();
});

describe('StorageJobQueue', () => {
    test("sends the job's message as the worker reads it, with the redrive count when there is one", async () => {
        const tenantId = randomUUID();
        await queue.send({ tenantId, jobId: 'j-1' }, 0);
        await queue.send({ tenantId, jobId: 'j-2', redrives: 2 }, 0);

        const received = await client.receiveMessages({ numberOfMessages: 2 });
        const messages = received.receivedMessageItems.map((item) => decodeQueueMessage(item.messageText));
        expect(messages).toEqual([
            { tenantId, jobId: 'j-1' },
            { tenantId, jobId: 'j-2', redrives: 2 },
        ]);
    });

    test('a delay hides the message until it has passed', async () => {
        await queue.send({ tenantId: randomUUID(), jobId: 'j-3' }, 60_000);
        expect((await client.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toHaveLength(0);
    });
});
