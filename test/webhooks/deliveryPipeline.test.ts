import { Webhook } from 'standardwebhooks';
import type { CancellationRecord } from '../../src/domain/cancellation/record';
import { notificationMessage } from '../../src/domain/notifications/notificationMessage';
import { deliver } from '../../src/domain/webhooks/deliver';
import { retryScheduleMs } from '../../src/domain/webhooks/delivery';
import { deliveryId, fanOut, fanOutAll } from '../../src/domain/webhooks/fanOut';
import { recoverSubscription, replayDelivery } from '../../src/domain/webhooks/replay';
import {
    WebhookTransportError,
    type WebhookRequest,
    type WebhookResponse,
    type WebhookSender,
} from '../../src/domain/webhooks/sender';
import type { Subscription } from '../../src/domain/webhooks/subscription';
import { MemoryBulkJobStore } from '../support/fakes/memoryBulkJobStore';
import { MemoryCancellationStore } from '../support/fakes/memoryCancellationStore';
import { MemoryDeliveryStore, RecordingDeliveryQueue } from '../support/fakes/memoryDeliveryStore';
import { MemorySubscriptionStore } from './memorySubscriptionStore';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const day = 86_400_000;

const record: CancellationRecord = {
    id: 'c1',
    tenantId,
    kind: 'event',
    state: 'accepted',
    createdAt: '2026-11-22T09:00:00.000Z',
    updatedAt: '2026-11-22T09:00:01.000Z',
    actor: { kind: 'user', objectId: 'a11ce', userPrincipalName: 'alice@contoso.test', appId: 'app' },
    resource: {
        version: 'v1.0',
        graphPath: '/users/a11ce/events/E1',
        resourceKey: 'event|user:a11ce|E1',
        mailbox: 'user:a11ce',
        eventId: 'E1',
        subject: 'Budget review',
    },
    comment: 'Moved',
    audience: [{ name: 'Bob', address: 'bob@contoso.test', type: 'required', response: 'accepted' }],
    graphRequestIds: [],
    attempts: 1,
    notificationPending: false,
};

function subscription(id: string, overrides: Partial<Subscription> = {}): Subscription {
    return {
        id,
        tenantId,
        notificationUrl: `https://hooks.example.com/${id}`,
        eventTypes: ['event.cancelled'],
        enabled: true,
        createdAt: '2026-11-01T00:00:00.000Z',
        updatedAt: '2026-11-01T00:00:00.000Z',
        owner: { kind: 'app', tenantId, objectId: 'o', appId: 'a' },
        scope: 'tenant',
        secrets: [{ secret, createdAt: '2026-11-01T00:00:00.000Z' }],
        ...overrides,
    };
}

/** A webhook endpoint at the sender port: answers from a script and records what it was sent. */
class ScriptedSender implements WebhookSender {
    readonly sent: WebhookRequest[] = [];
    constructor(private readonly answer: (request: WebhookRequest) => WebhookResponse | Error) {}
    send(request: WebhookRequest) {
        this.sent.push(request);
        const answer = this.answer(request);
        return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    }
}

const status = (code: number, retryAfterMs?: number): WebhookResponse => ({
    status: code,
    retryAfterMs,
    bodyExcerpt: '',
    durationMs: 5,
});

async function setup(answer: (request: WebhookRequest) => WebhookResponse | Error, subscriptions: Subscription[]) {
    const cancellations = new MemoryCancellationStore();
    await cancellations.create(record);
    const subscriptionStore = new MemorySubscriptionStore();
    for (const s of subscriptions) await subscriptionStore.create(s);
    const deliveries = new MemoryDeliveryStore();
    const queue = new RecordingDeliveryQueue();
    const sender = new ScriptedSender(answer);
    // Real time: receivers (the reference verifier too) refuse timestamps more than 5 minutes off.
    let nowMs = Date.now();
    const clock = { now: () => new Date(nowMs) };
    const log: string[] = [];
    const deps = {
        cancellations,
        jobs: new MemoryBulkJobStore(),
        subscriptions: subscriptionStore,
        deliveries,
        queue,
        sender,
        clock,
        disableAfterFailingMs: 5 * day,
        retryScheduleMs,
        log: (m: string) => log.push(m),
    };
    const message = notificationMessage('event.cancelled', tenantId, record.id, record.updatedAt);
    /** Runs every queued job once, in order (a stand-in for the queue trigger), advancing the clock by each delay. */
    const drain = async () => {
        while (queue.jobs.length > 0) {
            const { job, delayMs } = queue.jobs.shift()!;
            nowMs += delayMs;
            await deliver(job, deps);
        }
    };
    return {
        deps,
        cancellations,
        queue,
        sender,
        deliveries,
        subscriptionStore,
        message,
        drain,
        log,
        advance: (ms: number) => (nowMs += ms),
    };
}

describe('webhook fan-out', () => {
    it('queues one delivery per matching enabled subscription, with a stable webhook-id; a repeat sends nothing twice', async () => {
        const { deps, queue, message, drain, sender } = await setup(
            () => status(204),
            [
                subscription('s1'),
                subscription('s2', { eventTypes: ['event.cancelled', 'cancellation.verified'] }),
                subscription('s3', { eventTypes: ['bookingAppointment.cancelled'] }),
                subscription('s4', { enabled: false }),
            ],
        );
        expect(await fanOut(message, deps)).toBe(2);
        expect(queue.jobs.map((j) => j.job.deliveryId)).toEqual([
            deliveryId(message.messageId, 's1'),
            deliveryId(message.messageId, 's2'),
        ]);
        // A repeated notification before any attempt queues the jobs again (the first run may have died before
        // enqueueing); the duplicate jobs find the attempt already made and do nothing.
        expect(await fanOut(message, deps)).toBe(2);
        await drain();
        expect(sender.sent.map((r) => r.url)).toEqual(['https://hooks.example.com/s1', 'https://hooks.example.com/s2']);
        expect(await fanOut(message, deps)).toBe(0);
        expect(deliveryId(message.messageId, 's1')).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
    });

    it('fans out a batch as its notifications one by one, with one subscriptions query for them all', async () => {
        const { deps, cancellations, queue, message, subscriptionStore } = await setup(
            () => status(204),
            [subscription('s1'), subscription('s2')],
        );
        const second = { ...record, id: 'c2', resource: { ...record.resource, resourceKey: 'event|user:a11ce|E2' } };
        await cancellations.create(second);
        const other = notificationMessage('event.cancelled', tenantId, second.id, second.updatedAt);
        const queries = jest.spyOn(subscriptionStore, 'listMatching');
        expect(await fanOutAll([message, other], deps)).toEqual([2, 2]);
        expect(queries).toHaveBeenCalledTimes(1);
        expect(queue.jobs.map((j) => j.job.deliveryId).sort()).toEqual(
            [message, other].flatMap((m) => [deliveryId(m.messageId, 's1'), deliveryId(m.messageId, 's2')]).sort(),
        );
    });

    it('fails a batch when one of its notifications fails, after the others were fanned out', async () => {
        const { deps, cancellations, queue, message } = await setup(() => status(204), [subscription('s1')]);
        const second = { ...record, id: 'c2', resource: { ...record.resource, resourceKey: 'event|user:a11ce|E2' } };
        await cancellations.create(second);
        const unlucky = notificationMessage('event.cancelled', tenantId, second.id, second.updatedAt);
        const create = deps.deliveries.createIfAbsent.bind(deps.deliveries);
        jest.spyOn(deps.deliveries, 'createIfAbsent').mockImplementation((delivery) =>
            delivery.messageId === unlucky.messageId ? Promise.reject(new Error('storage down')) : create(delivery),
        );
        await expect(fanOutAll([unlucky, message], deps)).rejects.toThrow('storage down');
        expect(queue.jobs.map((j) => j.job.deliveryId)).toEqual([deliveryId(message.messageId, 's1')]);
    });
});

describe('webhook delivery', () => {
    it('posts a signed Standard Webhooks request that the reference library verifies, with the recipients', async () => {
        const { deps, sender, deliveries, message, drain } = await setup(
            () => status(200),
            [subscription('s1', { clientState: 'opaque-123' })],
        );
        await fanOut(message, deps);
        await drain();
        const [request] = sender.sent;
        expect(request?.url).toBe('https://hooks.example.com/s1');
        const payload = new Webhook(secret).verify(request!.body, request!.headers) as {
            type: string;
            data: Record<string, unknown>;
        };
        expect(request!.headers['webhook-id']).toBe(deliveryId(message.messageId, 's1'));
        expect(payload).toMatchObject({
            type: 'event.cancelled',
            data: {
                cancellationId: 'c1',
                comment: 'Moved',
                clientState: 'opaque-123',
                attendees: [{ name: 'Bob', address: 'bob@contoso.test', type: 'required', response: 'accepted' }],
                resource: { subject: 'Budget review', eventId: 'E1' },
            },
        });
        const stored = await deliveries.get(tenantId, deliveryId(message.messageId, 's1'));
        expect(stored?.value).toMatchObject({ state: 'succeeded', attempts: 1, lastStatus: 200 });
    });

    it('retries failures on the schedule (3xx counts as failure), then parks the delivery as failed', async () => {
        const { deps, sender, deliveries, message, queue, drain } = await setup(
            () => status(302),
            [subscription('s1')],
        );
        await fanOut(message, deps);
        const delays: number[] = [];
        const originalEnqueue = queue.enqueue.bind(queue);
        queue.enqueue = (job, delayMs, lane) => (delays.push(delayMs), originalEnqueue(job, delayMs, lane));
        await drain();
        expect(sender.sent).toHaveLength(retryScheduleMs.length);
        expect(delays).toEqual(retryScheduleMs.slice(1));
        expect(new Set(sender.sent.map((r) => r.headers['webhook-id'])).size).toBe(1);
        const stored = await deliveries.get(tenantId, deliveryId(message.messageId, 's1'));
        expect(stored?.value).toMatchObject({ state: 'failed', attempts: 8, lastStatus: 302 });
    });

    it("honours a throttling endpoint's Retry-After when it is longer than the schedule", async () => {
        let calls = 0;
        const { deps, queue, message, drain } = await setup(
            () => (++calls === 1 ? status(429, 90_000) : status(204)),
            [subscription('s1')],
        );
        await fanOut(message, deps);
        const job = queue.jobs.shift()!;
        await deliver(job.job, deps);
        expect(queue.jobs[0]).toMatchObject({ delayMs: 90_000, job: { attempt: 2 } });
        await drain();
        expect(calls).toBe(2);
    });

    it('disables the subscription on 410 Gone', async () => {
        const { deps, subscriptionStore, message, drain } = await setup(() => status(410), [subscription('s1')]);
        await fanOut(message, deps);
        await drain();
        expect((await subscriptionStore.get(tenantId, 's1'))?.value).toMatchObject({
            enabled: false,
            disabledReason: 'gone',
        });
    });

    it('disables an endpoint that has failed every delivery for five days, and a success clears the streak', async () => {
        const { deps, subscriptionStore, message, queue, advance } = await setup(
            () => new WebhookTransportError('connection refused'),
            [subscription('s1', { failingSince: new Date(Date.now() - 5 * day + 3_600_000).toISOString() })],
        );
        await fanOut(message, deps);
        await deliver(queue.jobs.shift()!.job, deps);
        expect((await subscriptionStore.get(tenantId, 's1'))?.value.enabled).toBe(true);
        advance(day);
        await deliver(queue.jobs.shift()!.job, deps);
        expect((await subscriptionStore.get(tenantId, 's1'))?.value).toMatchObject({
            enabled: false,
            disabledReason: 'failing',
        });
    });

    it('skips a repeated or stale job, and fails a delivery whose subscription is gone', async () => {
        const { deps, sender, deliveries, subscriptionStore, message, queue } = await setup(
            () => status(204),
            [subscription('s1')],
        );
        await fanOut(message, deps);
        const job = queue.jobs.shift()!.job;
        expect(await deliver(job, deps)).toBe('succeeded');
        expect(await deliver(job, deps)).toBe('skipped');
        expect(sender.sent).toHaveLength(1);

        const id = deliveryId(message.messageId, 's1');
        await replayDelivery((await deliveries.get(tenantId, id))!, deps);
        await subscriptionStore.delete(tenantId, 's1');
        expect(await deliver(queue.jobs.shift()!.job, deps)).toBe('failed');
        expect(sender.sent).toHaveLength(1);
    });

    it('re-enqueues the retry when the run that recorded a failed attempt died before enqueueing it (chaos run)', async () => {
        let calls = 0;
        const { deps, sender, deliveries, message, queue, drain } = await setup(
            () => (++calls === 1 ? status(500) : status(204)),
            [subscription('s1')],
        );
        await fanOut(message, deps);
        const job = queue.jobs.shift()!.job;
        // The host is killed right after the failed attempt is recorded: the retry job is never enqueued.
        const enqueue = queue.enqueue.bind(queue);
        queue.enqueue = () => Promise.reject(new Error('host killed'));
        await expect(deliver(job, deps)).rejects.toThrow('host killed');
        queue.enqueue = enqueue;
        const id = deliveryId(message.messageId, 's1');
        expect((await deliveries.get(tenantId, id))?.value).toMatchObject({ state: 'pending', attempts: 1 });

        // A duplicate of the job (dequeued for the first time) does nothing; the job handed out again re-enqueues.
        expect(await deliver(job, deps)).toBe('skipped');
        expect(queue.jobs).toHaveLength(0);
        expect(await deliver(job, deps, { redelivered: true })).toBe('retrying');
        expect(queue.jobs).toEqual([{ job: { ...job, attempt: 2 }, delayMs: expect.any(Number), lane: 'retry' }]);
        expect(queue.jobs[0]!.delayMs).toBeLessThanOrEqual(retryScheduleMs[1]!);
        await drain();
        expect(sender.sent).toHaveLength(2);
        expect((await deliveries.get(tenantId, id))?.value).toMatchObject({ state: 'succeeded', attempts: 2 });
        // And once more from the queue: the attempt is made, nothing is sent or enqueued again.
        expect(await deliver({ ...job, attempt: 2 }, deps, { redelivered: true })).toBe('skipped');
        expect(queue.jobs).toHaveLength(0);
    });

    it('follows a configured retry schedule (WEBHOOK_RETRY_SCHEDULE_SECONDS): its length is the attempt count', async () => {
        const { deps, sender, deliveries, message, queue, drain } = await setup(
            () => status(500),
            [subscription('s1')],
        );
        const schedule = [0, 100, 200];
        const configured = { ...deps, retryScheduleMs: schedule };
        await fanOut(message, configured);
        const delays: number[] = [];
        while (queue.jobs.length > 0) {
            const { job, delayMs } = queue.jobs.shift()!;
            delays.push(delayMs);
            await deliver(job, configured);
        }
        await drain();
        expect(sender.sent).toHaveLength(3);
        expect(delays).toEqual([0, 100, 200]);
        expect((await deliveries.get(tenantId, deliveryId(message.messageId, 's1')))?.value).toMatchObject({
            state: 'failed',
            attempts: 3,
        });
    });

    it('replays failed deliveries of a subscription since a time, with the same webhook-id and body', async () => {
        let healthy = false;
        const { deps, sender, deliveries, message, drain } = await setup(
            () => (healthy ? status(204) : status(500)),
            [subscription('s1')],
        );
        await fanOut(message, deps);
        await drain();
        healthy = true;
        expect(await recoverSubscription(tenantId, 's1', new Date(Date.now() - day).toISOString(), deps)).toBe(1);
        await drain();
        const last = sender.sent.at(-1)!;
        expect(last.body).toBe(sender.sent[0]!.body);
        expect(last.headers['webhook-id']).toBe(sender.sent[0]!.headers['webhook-id']);
        expect((await deliveries.get(tenantId, deliveryId(message.messageId, 's1')))?.value.state).toBe('succeeded');
    });
});

/**
 * Two queues, each with its own queue function and so its own slots: an endpoint that hangs until the timeout or
 * keeps failing must never hold a slot that a healthy endpoint's first attempt needs.
 */
describe('webhook delivery lanes', () => {
    it('puts first attempts to healthy subscriptions on the first lane; retries and failing subscriptions on the retry lane', async () => {
        let failing = true;
        const { deps, queue, message } = await setup(
            (request) => (request.url.endsWith('/flaky') && failing ? status(503) : status(204)),
            [
                subscription('healthy'),
                subscription('flaky', {
                    eventTypes: ['event.cancelled', 'cancellation.verified', 'cancellation.failed'],
                }),
                subscription('failing', { failingSince: '2026-11-21T00:00:00.000Z' }),
            ],
        );
        const laneOf = (id: string) =>
            queue.jobs.filter((j) => j.job.deliveryId === deliveryId(message.messageId, id)).map((j) => j.lane);

        await fanOut(message, deps);
        expect(laneOf('healthy')).toEqual(['first']);
        expect(laneOf('flaky')).toEqual(['first']);
        expect(laneOf('failing')).toEqual(['retry']);

        // The flaky endpoint's first attempt fails: its retry goes on the retry lane, and so does the first attempt
        // of its next notifications (which only it wants) while it is failing.
        queue.jobs.length = 0;
        await fanOut(message, deps);
        const flakyJob = queue.jobs.find((j) => j.job.deliveryId === deliveryId(message.messageId, 'flaky'))!.job;
        expect(await deliver(flakyJob, deps)).toBe('retrying');
        expect(queue.jobs.at(-1)).toMatchObject({ job: { attempt: 2 }, lane: 'retry' });
        const next = notificationMessage('cancellation.verified', tenantId, record.id, '2026-11-22T09:05:00.000Z');
        queue.jobs.length = 0;
        await fanOut(next, deps);
        expect(queue.jobs.map((j) => j.lane)).toEqual(['retry']);

        // Once it answers again (failingSince cleared), its first attempts are back on the first lane.
        failing = false;
        await deliver({ ...queue.jobs[0]!.job }, deps);
        queue.jobs.length = 0;
        await fanOut(notificationMessage('cancellation.failed', tenantId, record.id, '2026-11-22T09:10:00.000Z'), deps);
        expect(queue.jobs.map((j) => j.lane)).toEqual(['first']);
    });

    it('replays and recovers on the retry lane', async () => {
        const { deps, queue, deliveries, message, drain } = await setup(() => status(500), [subscription('s1')]);
        await fanOut(message, deps);
        await drain();
        const id = deliveryId(message.messageId, 's1');
        await replayDelivery((await deliveries.get(tenantId, id))!, deps);
        expect(queue.jobs.map((j) => [j.job.attempt, j.lane])).toEqual([[1, 'retry']]);
        await drain();
        expect(await recoverSubscription(tenantId, 's1', new Date(Date.now() - day).toISOString(), deps)).toBe(1);
        expect(queue.jobs.map((j) => [j.job.attempt, j.lane])).toEqual([[1, 'retry']]);
    });
});
