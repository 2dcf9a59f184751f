import { departingUser, offboardingWindowDays } from '../../dev/graph-emulator/departingUser';
import { devTenant } from '../../dev/identity/devTenant';
import { postReconcile, useLocalStack } from '../support/stack';
import { until } from '../support/until';

/**
 * Offboarding on the local stack: the departing user's calendar (the emulator's offboarding preset) previewed, then
 * run as a job through the queue worker; afterwards the emulator's mailboxes show each action as planned.
 */

interface PlannedMeeting {
    eventId: string;
    subject: string;
    type: string;
    action: string;
    reason?: string;
    seriesEndDate?: string;
}

interface JobItem extends PlannedMeeting {
    outcome: string;
    cancellationId?: string;
    error?: { code: string };
}

const dayMs = 86_400_000;

describe('bulk cancellation of a departing user’s calendar (POST /api/cancellationJobs)', () => {
    // A fast message rate, so the run takes seconds; pacing itself is pinned with an injected clock
    // (test/domain/bulkPacing.test.ts). Records are due for verification at once.
    const local = useLocalStack({ BULK_MESSAGES_PER_MINUTE: '600', CANCEL_VERIFY_DELAY_SECONDS: '0' });

    it('runs the meetings the preview planned, each once, and the mailboxes show every cancel, series end and decline', async () => {
        const { stack, admin } = local;
        const reset = await fetch(`${stack.emulatorUrl}/_emulator/reset?preset=offboarding`, { method: 'POST' });
        expect(reset.ok).toBe(true);
        const token = stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const d0 = Math.floor(Date.now() / dayMs) * dayMs;
        const body = {
            mailbox: departingUser.userPrincipalName,
            window: {
                start: new Date(d0).toISOString(),
                end: new Date(d0 + offboardingWindowDays * dayMs).toISOString(),
            },
            organized: 'cancel',
            series: 'endBeforeWindow',
            invited: 'decline',
            comment: 'Dana has left Contoso.',
        };

        const preview = await fetch(`${stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ ...body, dryRun: true }),
        });
        expect(preview.status).toBe(200);
        const plan = (await preview.json()) as { meetings: PlannedMeeting[]; counts: Record<string, number> };
        expect(plan.counts.cancel).toBeGreaterThan(10);
        expect(plan.counts.endSeries).toBeGreaterThan(0);
        expect(plan.counts.decline).toBeGreaterThan(10);
        expect(plan.meetings.filter((m) => m.reason === 'noAttendees').length).toBeGreaterThan(0);
        await admin.clearRequests();

        const created = await fetch(`${stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers,
            body: JSON.stringify(body),
        });
        expect(created.status).toBe(202);
        const location = created.headers.get('location')!;
        const job = await until(
            'the job to complete',
            async () => {
                const response = await fetch(`${stack.gatewayUrl}${location}`, { headers });
                const view = (await response.json()) as { state: string; counts?: { total: number } };
                return view.state === 'completed' || view.state === 'failed' ? view : undefined;
            },
            120_000,
        );
        expect(job).toMatchObject({ state: 'completed', counts: { total: plan.meetings.length } });

        const items: JobItem[] = [];
        let next: string | undefined = `${stack.gatewayUrl}${location}/items?$top=200`;
        while (next) {
            const page = (await (await fetch(next, { headers })).json()) as {
                value: JobItem[];
                '@odata.nextLink'?: string;
            };
            items.push(...page.value);
            next = page['@odata.nextLink'];
        }
        // The same action per meeting as the preview, and every write went through.
        const actions = (list: PlannedMeeting[]) => list.map((m) => `${m.eventId} ${m.action}`).sort();
        expect(actions(items)).toEqual(actions(plan.meetings));
        expect(items.filter((i) => i.action !== 'skip' && i.outcome !== 'succeeded')).toEqual([]);

        // Graph saw one write per meeting.
        const writes = (await admin.requests()).filter(
            (r) => r.method !== 'GET' && r.status !== null && r.status < 300,
        );
        expect(writes).toHaveLength(items.filter((i) => i.action !== 'skip').length);

        // The mailboxes: cancels cancelled (attendees' copies too), series ended, invitations declined.
        const dana = await admin.events(departingUser.userPrincipalName);
        const byId = new Map(dana.map((item) => [item.id, item]));
        for (const item of items) {
            const inMailbox = byId.get(item.eventId);
            if (item.action === 'cancel')
                expect([item.eventId, inMailbox?.isCancelled ?? 'gone']).not.toEqual([item.eventId, false]);
            if (item.action === 'endSeries')
                expect([item.eventId, inMailbox?.recurrenceEndDate]).toEqual([item.eventId, item.seriesEndDate]);
            if (item.action === 'decline')
                expect([item.eventId, inMailbox?.response ?? 'gone']).not.toEqual([item.eventId, 'none']);
        }
        const alice = await admin.events(devTenant.users[0].userPrincipalName);
        const cancelledSubjects = new Set(items.filter((i) => i.action === 'cancel').map((i) => i.subject));
        const aliceCopies = alice.filter(
            (item) => !item.isOrganizer && cancelledSubjects.has(item.subject) && item.type !== 'occurrence',
        );
        expect(aliceCopies.length).toBeGreaterThan(0);
        expect(aliceCopies.filter((item) => !item.isCancelled && item.state !== 'deleted')).toEqual([]);

        // Every cancel has a record, and reconciliation verifies it.
        const cancels = items.filter((i) => i.action === 'cancel');
        expect(cancels.every((i) => typeof i.cancellationId === 'string')).toBe(true);
        const reconcile = await postReconcile(stack, token);
        expect(reconcile.status).toBe(200);
        for (const item of cancels) {
            const record = (await (
                await fetch(`${stack.gatewayUrl}/api/cancellations/${encodeURIComponent(item.cancellationId!)}`, {
                    headers,
                })
            ).json()) as { state: string };
            expect([item.eventId, record.state]).toEqual([item.eventId, 'verified']);
        }
    });
});
