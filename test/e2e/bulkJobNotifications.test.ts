import { QueueClient } from '@azure/storage-queue';
import { Webhook } from 'standardwebhooks';
import { departingUser, offboardingWindowDays } from '../../dev/graph-emulator/departingUser';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';
import { webhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

/**
 * A bulk cancellation job's own notifications on the local stack: `cancellationJob.completed` and
 * `cancellationJob.paused` reach tenant-scope subscriptions (administrators'), signed, and never owner-scope ones.
 */

const [alice] = devTenant.users;
const adminAppId = 'ca9ce1a7-0000-4000-8000-0000000000e5';
const adminRoles = ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'];
const jobEventTypes = ['cancellationJob.completed', 'cancellationJob.paused'];
const dayMs = 86_400_000;

interface JobPayload {
    type: string;
    data: {
        jobId: string;
        state: string;
        mailbox: string;
        counts: { total: number; byAction: Record<string, number>; byOutcome: Record<string, number> };
        resumeDateTime?: string;
        finishedDateTime?: string;
        clientState?: string;
    };
}

describe('bulk cancellation job notifications (cancellationJob.completed, cancellationJob.paused)', () => {
    // A day's recipients spent after a few cancels, so a job that writes pauses; one that only skips completes.
    const local = useLocalStack({ BULK_MESSAGES_PER_MINUTE: '600', BULK_RECIPIENTS_PER_DAY: '6' });
    const receivers: WebhookReceiver[] = [];
    // After the fixture's own reset of each test: the departing user's calendar (the offboarding preset).
    beforeEach(async () => {
        const reset = await fetch(`${local.stack.emulatorUrl}/_emulator/reset?preset=offboarding`, { method: 'POST' });
        expect(reset.ok).toBe(true);
    });
    afterAll(async () => {
        for (const receiver of receivers.splice(0)) await receiver.close();
    });

    const adminHeaders = () => ({
        Authorization: `Bearer ${local.stack.token({ app: adminAppId, roles: adminRoles })}`,
        'Content-Type': 'application/json',
    });

    async function subscribe(
        scope: 'tenant' | 'owner',
    ): Promise<{ id: string; secret: string; receiver: WebhookReceiver }> {
        const receiver = await webhookReceiver();
        receivers.push(receiver);
        const headers =
            scope === 'tenant'
                ? adminHeaders()
                : {
                      Authorization: `Bearer ${local.stack.token({ user: alice.userPrincipalName, scp: ['Subscriptions.ReadWrite.All'] })}`,
                      'Content-Type': 'application/json',
                  };
        const response = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
                notificationUrl: receiver.url,
                eventTypes: jobEventTypes,
                scope,
                clientState: scope,
            }),
        });
        expect(response.status).toBe(201);
        return { ...((await response.json()) as { id: string; secret: string }), receiver };
    }

    async function startJob(overrides: Record<string, unknown>): Promise<string> {
        const d0 = Math.floor(Date.now() / dayMs) * dayMs;
        const response = await fetch(`${local.stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers: adminHeaders(),
            body: JSON.stringify({
                mailbox: departingUser.userPrincipalName,
                window: {
                    start: new Date(d0).toISOString(),
                    end: new Date(d0 + offboardingWindowDays * dayMs).toISOString(),
                },
                organized: 'cancel',
                series: 'cancel',
                invited: 'leave',
                ...overrides,
            }),
        });
        expect(response.status).toBe(202);
        return ((await response.json()) as { id: string }).id;
    }

    /** The job's deliveries to one subscription, as the tenant's delivery log shows them. */
    async function deliveriesOf(subscriptionId: string, jobId: string) {
        const response = await fetch(
            `${local.stack.gatewayUrl}/api/deliveries?subscriptionId=${encodeURIComponent(subscriptionId)}`,
            { headers: adminHeaders() },
        );
        expect(response.status).toBe(200);
        const list = (await response.json()) as { value: Array<{ jobId?: string; eventType: string }> };
        return list.value.filter((delivery) => delivery.jobId === jobId);
    }

    const received = (receiver: WebhookReceiver, secret: string, jobId: string, type: string) =>
        receiver.received
            .map((delivery) => ({
                delivery,
                payload: new Webhook(secret).verify(delivery.body, delivery.headers) as JobPayload,
            }))
            .filter(({ payload }) => payload.data.jobId === jobId && payload.type === type);

    it('a job that ends: one signed cancellationJob.completed with its counts to the tenant subscription, none to an owner one', async () => {
        const admin = await subscribe('tenant');
        const owner = await subscribe('owner');
        // Nothing written (every meeting left or skipped): the job completes at once, whatever the budget.
        const jobId = await startJob({ organized: 'skip', invited: 'leave' });

        const [completed] = await until(
            'the completed notification',
            () => {
                const found = received(admin.receiver, admin.secret, jobId, 'cancellationJob.completed');
                return found.length > 0 ? found : undefined;
            },
            60_000,
        );
        expect(completed!.payload.data).toMatchObject({
            jobId,
            state: 'completed',
            mailbox: departingUser.userPrincipalName,
            finishedDateTime: expect.any(String),
            clientState: 'tenant',
        });
        const { counts } = completed!.payload.data;
        expect(counts.total).toBeGreaterThan(0);
        expect(counts.byOutcome.skipped).toBe(counts.total);
        expect(completed!.delivery.headers['webhook-id']).toMatch(/^msg_/);
        // The fan-out made every delivery before it queued any: one for the administrator's, none for the owner's.
        expect(await deliveriesOf(admin.id, jobId)).toEqual([
            expect.objectContaining({ eventType: 'cancellationJob.completed' }),
        ]);
        expect(await deliveriesOf(owner.id, jobId)).toEqual([]);
        expect(owner.receiver.received).toEqual([]);
    }, 90_000);

    it("a job that spends the mailbox's recipients for the day: cancellationJob.paused with its resume time, then stopped → completed", async () => {
        const admin = await subscribe('tenant');
        const jobId = await startJob({});

        const [paused] = await until(
            'the paused notification',
            () => {
                const found = received(admin.receiver, admin.secret, jobId, 'cancellationJob.paused');
                return found.length > 0 ? found : undefined;
            },
            60_000,
        );
        expect(paused!.payload.data).toMatchObject({ jobId, state: 'paused', resumeDateTime: expect.any(String) });
        expect(Date.parse(paused!.payload.data.resumeDateTime!)).toBeGreaterThan(Date.now());
        expect(paused!.payload.data.counts.byOutcome.succeeded).toBeGreaterThan(0);
        expect(paused!.payload.data.counts.byOutcome.pending).toBeGreaterThan(0);

        const stop = await fetch(`${local.stack.gatewayUrl}/api/cancellationJobs/${jobId}/stop`, {
            method: 'POST',
            headers: adminHeaders(),
            body: '{}',
        });
        expect(stop.status).toBe(200);
        const [stopped] = await until('the completed notification of the stop', () => {
            const found = received(admin.receiver, admin.secret, jobId, 'cancellationJob.completed');
            return found.length > 0 ? found : undefined;
        });
        expect(stopped!.payload.data).toMatchObject({ jobId, state: 'stopped', finishedDateTime: expect.any(String) });
    }, 90_000);
    it('a job whose message the host poisoned too often in a row: it ends failed and says so (cancellationJob.completed)', async () => {
        const admin = await subscribe('tenant');
        const jobId = await startJob({});
        await until('the job to pause for the day', () => {
            const found = received(admin.receiver, admin.secret, jobId, 'cancellationJob.paused');
            return found.length > 0 ? found : undefined;
        });

        // What the host leaves on the poison queue after every try of a slice failed, the redrives used up.
        await new QueueClient(local.stack.storageConnectionString, 'cancellation-jobs-poison').sendMessage(
            Buffer.from(JSON.stringify({ tenantId: devTenant.tenantId, jobId, redrives: 4 })).toString('base64'),
        );

        const [failed] = await until('the completed notification of the failure', () => {
            const found = received(admin.receiver, admin.secret, jobId, 'cancellationJob.completed');
            return found.length > 0 ? found : undefined;
        });
        expect(failed!.payload.data).toMatchObject({ jobId, state: 'failed', finishedDateTime: expect.any(String) });
        const job = await fetch(`${local.stack.gatewayUrl}/api/cancellationJobs/${jobId}`, { headers: adminHeaders() });
        expect(await job.json()).toMatchObject({ state: 'failed' });
    }, 90_000);
});
