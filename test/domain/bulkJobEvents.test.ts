import type { JobNotificationMessage } from '../../src/domain/notifications/notificationMessage';
import { owedJobEventsRedriveAfterMs, redriveOwedJobEvents } from '../../src/domain/bulk/jobEvents';
import { fanOut } from '../../src/domain/webhooks/fanOut';
import type { Subscription } from '../../src/domain/webhooks/subscription';
import { MemoryDeliveryStore, RecordingDeliveryQueue } from '../support/fakes/memoryDeliveryStore';
import { jobHarness, meetings, tenantId } from '../support/bulkJobHarness';
import { MemorySubscriptionStore } from '../webhooks/memorySubscriptionStore';

const jobMessages = (h: ReturnType<typeof jobHarness>) =>
    h.notified.filter((message): message is JobNotificationMessage => 'jobId' in message);

describe("a bulk cancellation job's own notifications", () => {
    it('a job that ends sends one cancellationJob.completed, saved as owed with its final state, then cleared', async () => {
        const h = jobHarness(meetings(3));
        await h.create();
        await h.runToEnd();

        const job = await h.current();
        expect(jobMessages(h)).toEqual([
            {
                schemaVersion: 1,
                messageId: 'job1.cancellationJob.completed',
                type: 'cancellationJob.completed',
                tenantId,
                jobId: 'job1',
                occurredAt: job.finishedAt,
            },
        ]);
        expect(job).toMatchObject({ state: 'completed' });
        expect(job.eventsOwed).toBeUndefined();
    });

    it("a job that spends the mailbox's recipients for the day sends cancellationJob.paused once, with its resume time", async () => {
        // 2 recipients per meeting, 4 a day: two meetings, then a pause; a wake-up to a budget still spent says nothing.
        const h = jobHarness(meetings(6), { limits: { recipientsPerDay: 4, messagesPerMinute: 600 } });
        await h.create();
        await h.runToEnd();

        const sent = jobMessages(h);
        const paused = sent.filter((message) => message.type === 'cancellationJob.paused');
        expect(paused.length).toBeGreaterThanOrEqual(1);
        for (const message of paused) {
            expect(Date.parse(message.resumeAt!)).toBeGreaterThan(Date.parse(message.occurredAt));
            expect(message.messageId).toBe(`job1.cancellationJob.paused.${message.occurredAt}`);
        }
        // Each pause once: two pauses are separated by work done (a resume), never back to back.
        expect(new Set(paused.map((message) => message.messageId)).size).toBe(paused.length);
        expect(sent[sent.length - 1]?.type).toBe('cancellationJob.completed');
        expect(await h.current()).toMatchObject({ state: 'completed' });
        expect((await h.items()).every((item) => item.outcome === 'succeeded')).toBe(true);
    });

    it('a notification the queue refused stays owed on the job; reconciliation sends it once 5 minutes have passed', async () => {
        // No attendees: the meeting is skipped, so the job's is the only notification.
        const h = jobHarness(meetings(1, 0));
        await h.create();
        h.failEnqueues(1);
        await h.runToEnd();

        const owed = await h.current();
        expect(owed.state).toBe('completed');
        expect(owed.eventsOwed).toEqual([{ type: 'cancellationJob.completed', occurredAt: owed.finishedAt }]);
        expect(jobMessages(h)).toEqual([]);
        const deps = { store: h.jobs, notifications: h.deps.notifications, clock: h.clock, log: () => undefined };

        h.advance(owedJobEventsRedriveAfterMs - 1_000);
        expect(await redriveOwedJobEvents(tenantId, deps)).toBe(0);
        expect(jobMessages(h)).toEqual([]);

        h.advance(1_000);
        expect(await redriveOwedJobEvents(tenantId, deps)).toBe(1);
        expect(jobMessages(h).map((message) => message.messageId)).toEqual(['job1.cancellationJob.completed']);
        expect((await h.current()).eventsOwed).toBeUndefined();
        expect(await redriveOwedJobEvents(tenantId, deps)).toBe(0);
    });
});

describe("fan-out of a job's notification", () => {
    function subscription(id: string, scope: Subscription['scope']): Subscription {
        return {
            id,
            tenantId,
            notificationUrl: `https://hooks.example.com/${id}`,
            eventTypes: ['cancellationJob.completed', 'cancellationJob.paused', 'event.cancelled'],
            enabled: true,
            createdAt: '2026-11-01T00:00:00.000Z',
            updatedAt: '2026-11-01T00:00:00.000Z',
            owner: { kind: 'app', tenantId, objectId: `oid-${id}`, appId: `app-${id}` },
            scope,
            clientState: `state-${id}`,
            secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', createdAt: '2026-11-01T00:00:00.000Z' }],
        };
    }

    it('goes to tenant-scope subscriptions only, with the job, its final state and its counts', async () => {
        const h = jobHarness(meetings(2));
        await h.create();
        await h.runToEnd();
        const subscriptions = new MemorySubscriptionStore();
        await subscriptions.create(subscription('admin', 'tenant'));
        await subscriptions.create(subscription('owner', 'owner'));
        const deliveries = new MemoryDeliveryStore();
        const queue = new RecordingDeliveryQueue();
        const deps = {
            cancellations: h.records,
            jobs: h.jobs,
            subscriptions,
            deliveries,
            queue,
            clock: h.clock,
            log: () => undefined,
        };
        const [completed] = jobMessages(h);

        expect(await fanOut(completed!, deps)).toBe(1);
        const rows = [...deliveries.rows.values()].map((row) => row.value);
        expect(rows.map((delivery) => [delivery.subscriptionId, delivery.jobId, delivery.cancellationId])).toEqual([
            ['admin', 'job1', undefined],
        ]);
        const job = await h.current();
        expect(JSON.parse(rows[0]!.body)).toEqual({
            type: 'cancellationJob.completed',
            timestamp: job.finishedAt,
            data: {
                jobId: 'job1',
                state: 'completed',
                mailbox: job.userPrincipalName,
                window: job.request.window,
                requestedBy: job.actor,
                counts: {
                    total: 2,
                    byAction: { cancel: 2, endSeries: 0, decline: 0, skip: 0 },
                    byOutcome: { pending: 0, inFlight: 0, succeeded: 2, failed: 0, skipped: 0, unknown: 0 },
                },
                startedDateTime: job.startedAt,
                finishedDateTime: job.finishedAt,
                clientState: 'state-admin',
            },
        });
    });
});
