import { writtenEventId } from '../../chaos/bulkChecks';
import { bulkChaosTenant } from '../../chaos/bulkFixture';
import { seededRandom } from '../../chaos/random';
import { devTenant } from '../../dev/identity/devTenant';
import { emulatorAdmin } from '../support/emulatorAdmin';
import { type LocalStack, startLocalStack } from '../support/stack';
import { until } from '../support/until';

/**
 * A bulk job whose mailbox Exchange throttles harder than the gateway paces it: the emulator's sending limit
 * (2 messages a minute) far below `BULK_MESSAGES_PER_MINUTE` (600). The job slows down, completes, and loses nothing:
 * each meeting one outcome and one accepted Graph write, however many writes the limit refused.
 *
 * Time in the emulator's sending limit moves 29 s each time a message is sent (its clock is read once per
 * message-sending write), so the limit's minute is crossed every few writes and each refusal's `Retry-After` is 2 s:
 * the limit bites again and again without the test waiting minutes.
 */

interface JobItem {
    eventId: string;
    action: string;
    outcome: string;
}

const meetings = 12;
const sendingStepMs = 29_000;

describe('a bulk job under an Exchange sending limit below its pacing', () => {
    let stack: LocalStack;
    const tenant = bulkChaosTenant(meetings, seededRandom(17));

    beforeAll(async () => {
        let sendingNowMs = Date.now();
        stack = await startLocalStack(
            { BULK_MESSAGES_PER_MINUTE: '600' },
            { graphFixture: tenant.fixture, emulatorClock: { now: () => (sendingNowMs += sendingStepMs) } },
        );
    }, 60_000);
    afterAll(() => stack?.stop());

    it('slows down, completes, and gives every meeting one outcome and one accepted write', async () => {
        const admin = emulatorAdmin(stack.emulatorUrl);
        const limit = await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ rules: [], sendingLimit: { messagesPerMinute: 2 } }),
        });
        expect(limit.ok).toBe(true);
        await admin.clearRequests();

        const token = stack.token({ app: devTenant.callerApp.clientId, roles: ['Cancellations.Admin'] });
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        const created = await fetch(`${stack.gatewayUrl}/api/cancellationJobs`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
                mailbox: tenant.mailbox,
                window: tenant.window,
                organized: 'cancel',
                series: 'cancel',
                invited: 'leave',
                comment: 'The organizer has left.',
            }),
        });
        expect(created.status).toBe(202);
        const location = created.headers.get('location')!;
        const job = await until(
            'the job to end',
            async () => {
                const view = (await (await fetch(`${stack.gatewayUrl}${location}`, { headers })).json()) as {
                    state: string;
                    counts?: { total: number };
                };
                return ['completed', 'stopped', 'failed'].includes(view.state) ? view : undefined;
            },
            180_000,
        );
        expect(job).toMatchObject({ state: 'completed', counts: { total: meetings } });

        const page = (await (await fetch(`${stack.gatewayUrl}${location}/items?$top=100`, { headers })).json()) as {
            value: JobItem[];
        };
        expect(page.value).toHaveLength(meetings);
        expect(page.value.filter((item) => item.action !== 'cancel' || item.outcome !== 'succeeded')).toEqual([]);

        // Graph's side: the limit refused writes, and each meeting got exactly one accepted write.
        const requests = await admin.requests();
        const writes = requests.filter((r) => writtenEventId(r) !== undefined);
        expect(writes.filter((r) => r.status === 429).length).toBeGreaterThan(0);
        const mailbox = await admin.events(tenant.mailbox);
        const meetingOf = new Map<string, string>();
        for (const item of mailbox) {
            for (const id of [item.id, item.immutableId, ...item.previousIds]) meetingOf.set(id, item.immutableId);
        }
        const accepted = new Map<string, number>();
        for (const write of writes.filter((r) => r.status !== null && r.status < 300)) {
            const meeting = meetingOf.get(writtenEventId(write)!) ?? `unknown ${write.path}`;
            accepted.set(meeting, (accepted.get(meeting) ?? 0) + 1);
        }
        const seeded = (tenant.fixture.events ?? []).map((event) => meetingOf.get(event.id ?? '') ?? event.id);
        expect([...accepted.keys()].sort()).toEqual([...seeded].sort());
        expect([...accepted.values()].every((count) => count === 1)).toBe(true);
        expect(mailbox.filter((item) => !item.isCancelled && item.state !== 'deleted')).toEqual([]);
    }, 240_000);
});
