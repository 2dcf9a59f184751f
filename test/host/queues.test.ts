import { QueueServiceClient } from '@azure/storage-queue';
import { testStorageConnectionString } from '../support/storage';
import { type HostProcess, startHostProcess } from './support/hostProcess';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('local host: storage queue triggers (queue-app fixture: batchSize 4, visibilityTimeout 1 s)', () => {
    let host: HostProcess;
    let service: QueueServiceClient;

    const send = async (queue: string, text: string): Promise<void> => {
        await service.getQueueClient(queue).sendMessage(text);
    };

    /** Polls until `probe` returns a value (async), or fails with the host's last output. */
    const eventually = async <T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const value = await probe();
            if (value !== undefined) return value;
            if (Date.now() > deadline) throw new Error(`Timed out: ${what}\n${host.lines.slice(-40).join('\n')}`);
            await new Promise((r) => setTimeout(r, 100));
        }
    };

    /** Waits for messages on a queue (peek) and returns their raw text. */
    const waitForMessageOn = (queue: string, timeoutMs: number): Promise<string[]> =>
        eventually(
            async () => {
                const client = service.getQueueClient(queue);
                if (!(await client.exists())) return undefined;
                const peeked = await client.peekMessages({ numberOfMessages: 32 });
                const texts = peeked.peekedMessageItems.map((m) => m.messageText);
                return texts.length > 0 ? texts : undefined;
            },
            timeoutMs,
            `a message on ${queue}`,
        );

    const waitForEmpty = (queue: string): Promise<true> =>
        eventually(
            async () => {
                // counts invisible (in-process) messages too
                const properties = await service.getQueueClient(queue).getProperties();
                return properties.approximateMessagesCount === 0 ? true : undefined;
            },
            5000,
            `${queue} to be empty`,
        );

    const resultsOf = (fn: string): Record<string, unknown>[] => host.results().filter((r) => r.fn === fn);

    beforeAll(async () => {
        service = QueueServiceClient.fromConnectionString(testStorageConnectionString());
        host = await startHostProcess('queue-app');
    });

    afterAll(async () => {
        await host?.stop();
    });

    it('creates the queues it listens on (queueName from %INPUT_QUEUE%)', async () => {
        for (const name of ['host-input', 'host-flaky', 'host-retry-once', 'host-batch']) {
            expect(await service.getQueueClient(name).exists()).toBe(true);
        }
    });

    it('base64-decodes messages, passes JSON as an object and text as a string, with trigger metadata', async () => {
        await send('host-input', b64(JSON.stringify({ hello: 'world' })));
        await send('host-input', b64('plain text'));
        const [json, text] = await host.waitFor(
            () => {
                const results = resultsOf('input');
                const j = results.find((r) => r.type === 'object');
                const t = results.find((r) => r.type === 'string');
                return j && t ? [j, t] : undefined;
            },
            10_000,
            'input messages',
        );
        expect(json).toMatchObject({
            message: { hello: 'world' },
            dequeueCount: 1,
            queueTrigger: { hello: 'world' },
            hasPopReceipt: true,
        });
        expect(typeof json.id).toBe('string');
        expect(Number.isNaN(Date.parse(String(json.insertionTime)))).toBe(false);
        expect(text).toMatchObject({ message: 'plain text', dequeueCount: 1 });
        // success deletes the message
        expect(await waitForEmpty('host-input')).toBe(true);
    });

    it('moves a message that is not valid base64 straight to <queue>-poison, without invoking', async () => {
        await send('host-input', 'this is not base64!');
        expect(await waitForMessageOn('host-input-poison', 10_000)).toEqual(['this is not base64!']);
        expect(resultsOf('input').some((r) => r.message === 'this is not base64!')).toBe(false);
        await host.waitFor(() => host.lines.some((l) => l.includes('not a valid Base-64 string')), 5_000, 'the reason');
    });

    it('retries a failed message after visibilityTimeout with a higher dequeueCount', async () => {
        await send('host-retry-once', b64('again'));
        const [first, second] = await host.waitFor(
            () => {
                const r = resultsOf('retryOnce');
                return r.length >= 2 ? r : undefined;
            },
            10_000,
            'two attempts',
        );
        expect(first).toMatchObject({ message: 'again', dequeueCount: 1 });
        expect(second).toMatchObject({ message: 'again', dequeueCount: 2 });
        expect(Number(second!.at) - Number(first!.at)).toBeGreaterThanOrEqual(900);
    });

    it('after maxDequeueCount (5) failures moves the message to <queue>-poison and deletes the original', async () => {
        const raw = b64(JSON.stringify({ order: 7 }));
        await send('host-flaky', raw);
        expect(await waitForMessageOn('host-flaky-poison', 20_000)).toEqual([raw]);
        expect(resultsOf('flaky').map((r) => r.dequeueCount)).toEqual([1, 2, 3, 4, 5]);
        expect(await waitForEmpty('host-flaky')).toBe(true);
    }, 25_000);

    it('processes at most batchSize + newBatchThreshold messages at a time', async () => {
        await Promise.all(Array.from({ length: 12 }, (_, i) => send('host-batch', b64(`m${i}`))));
        const results = await host.waitFor(
            () => {
                const r = resultsOf('batch');
                return r.length >= 12 ? r : undefined;
            },
            15_000,
            '12 batch messages',
        );
        const maxRunning = Math.max(...results.map((r) => Number(r.running)));
        expect(maxRunning).toBeGreaterThanOrEqual(4);
        expect(maxRunning).toBeLessThanOrEqual(6);
        expect(new Set(results.map((r) => r.message)).size).toBe(12);
    }, 20_000);
});

/**
 * `newBatchThreshold` as the storage extension documents it: a function fetches its next batch (of `batchSize`) only
 * once the messages it is running drop to the threshold, so it runs at most `batchSize + newBatchThreshold`; and each
 * function counts its own. The fixture's `gated` invocations hold their slot until the test releases them, so the
 * trace of how many ran at each start is decided by the test's steps, not by timing.
 */
describe('local host: newBatchThreshold (gated-queue-app fixture: batchSize 4, newBatchThreshold 3)', () => {
    let host: HostProcess | undefined;
    let service: QueueServiceClient;

    const send = (queue: string, value: unknown) =>
        service.getQueueClient(queue).sendMessage(b64(JSON.stringify(value)));
    const results = (fn: string) => host?.results().filter((r) => r.fn === fn) ?? [];
    const started = (count: number) =>
        host!.waitFor(() => results('gated').length >= count || undefined, 15_000, `${count} gated invocations`);
    const released = async (release: number | 'all') => {
        const before = results('control').length;
        await send('gated-control', { release });
        await host!.waitFor(() => results('control').length > before || undefined, 15_000, 'the release');
    };

    beforeAll(async () => {
        service = QueueServiceClient.fromConnectionString(testStorageConnectionString());
        // Twelve messages waiting before the host starts: its first receive takes a whole batch.
        const work = service.getQueueClient('gated-work');
        await work.createIfNotExists();
        await work.clearMessages();
        for (let i = 0; i < 12; i++) await send('gated-work', { n: i });
        host = await startHostProcess('gated-queue-app');
    });

    afterAll(async () => {
        if (host) await released('all').catch(() => undefined);
        await host?.stop();
    });

    it('fetches the next batch only when in-flight drops to the threshold; other functions keep their own slots', async () => {
        await started(4);
        await released(1); // 3 in flight: at the threshold, the next batch of 4 comes
        await started(8);

        // `gated` holds 7 (batchSize + newBatchThreshold); another function still runs at once.
        await send('gated-neighbour', { hello: 'neighbour' });
        const neighbour = await host!.waitFor(() => results('neighbour')[0], 15_000, 'the neighbour function');
        expect(neighbour.gatedRunning).toBe(7);

        await released(3); // 4 in flight: above the threshold, nothing is fetched
        await released(1); // 3 in flight: the last 4 come
        await started(12);

        expect(results('gated').map((r) => r.running)).toEqual([1, 2, 3, 4, 4, 5, 6, 7, 4, 5, 6, 7]);
        expect(new Set(results('gated').map((r) => JSON.stringify(r.message))).size).toBe(12);
    }, 60_000);
});
