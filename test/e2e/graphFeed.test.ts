import { freePort } from '../../dev/azurite';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { feedStackEnv, outlookRecords } from '../support/feedStack';
import { type LocalStack, startLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice] = devTenant.users;

interface EmulatorSubscription {
    id: string;
    resource: string;
    notificationUrl: string;
    lifecycleNotificationUrl?: string;
}

/**
 * The feed's intake on the local host against the Graph emulator: the timer subscribes to the watched mailbox, Graph's
 * notifications come back through the host's TLS twin and become records through `graph-changes`, and a removed
 * subscription is created again. One stack with no reset between the steps: the timer runs every 2 s throughout, and
 * a reset under a running pass would leave a row for a subscription the emulator no longer has.
 */
describe('the feed intake (local host, Graph emulator)', () => {
    let stack: LocalStack;
    let httpsPort: number;

    beforeAll(async () => {
        httpsPort = await freePort();
        stack = await startLocalStack(feedStackEnv(httpsPort, { mailboxes: [alice.userPrincipalName] }));
    }, 60_000);
    afterAll(() => stack?.stop());

    const subscriptions = async () => {
        const response = await fetch(`${stack.emulatorUrl}/_emulator/subscriptions`);
        return ((await response.json()) as { value: EmulatorSubscription[] }).value;
    };
    const aliceSubscription = async () =>
        (await subscriptions()).find((s) => s.resource.toLowerCase().includes(alice.id));

    it('answers the validation handshake with the decoded token as text/plain', async () => {
        const token = 'Validation: Testing client application reachability for subscription Request-Id: 3b2c';
        for (const path of ['graph/notifications', 'graph/lifecycle']) {
            const response = await fetch(
                `${stack.gatewayUrl}/api/${path}?validationToken=${encodeURIComponent(token)}`,
                {
                    method: 'POST',
                    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
                },
            );
            expect(response.status).toBe(200);
            expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
            expect(await response.text()).toBe(token);
        }
    });

    it('subscribes to the watched mailbox, records the cancellation Outlook makes, and recreates a removed subscription', async () => {
        const first = await until('the timer to subscribe to alice', aliceSubscription, 30_000);
        expect(first.notificationUrl).toBe(`https://localhost:${httpsPort}/api/graph/notifications`);
        expect(first.lifecycleNotificationUrl).toBe(`https://localhost:${httpsPort}/api/graph/lifecycle`);

        // A forged batch for the real subscription changes nothing.
        const forged = await fetch(`${stack.gatewayUrl}/api/graph/notifications`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
                value: [
                    {
                        subscriptionId: first.id,
                        changeType: 'deleted',
                        clientState: 'guess',
                        resourceData: { id: 'X' },
                    },
                ],
            }),
        });
        expect(forged.status).toBe(202);

        const cancelled = await fetch(
            `${stack.emulatorUrl}/_emulator/mailboxes/${encodeURIComponent(alice.userPrincipalName)}/events/${encodeURIComponent(demoIds.budgetReviewId)}/cancelInOutlook`,
            { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' },
        );
        expect(cancelled.status).toBe(200);
        const records = await until('an outlook record of the cancelled meeting', async () => {
            // The queue worker takes graph-changes messages as they come: the test looks at what they became.
            const found = await outlookRecords(stack);
            return found.length > 0 ? found : undefined;
        });
        // One record, the meeting Outlook cancelled; the forged item made none.
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ origin: 'outlook', resource: { subject: 'Budget review' } });

        const removed = await fetch(`${stack.emulatorUrl}/_emulator/subscriptions/${first.id}/lifecycle`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ lifecycleEvent: 'subscriptionRemoved' }),
        });
        expect(removed.status).toBe(202);
        const second = await until('a new subscription on alice', async () => {
            const current = await aliceSubscription();
            return current !== undefined && current.id !== first.id ? current : undefined;
        });
        expect(second.notificationUrl).toBe(first.notificationUrl);
    }, 90_000);
});
