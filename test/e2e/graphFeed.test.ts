import { QueueClient } from '@azure/storage-queue';
import { freePort } from '../../dev/azurite';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { decodeQueueMessage } from '../../src/adapters/queues/queueMessageCodec';
import { graphChangesQueueName } from '../../src/domain/feed/changeMessage';
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
 * notifications come back through the host's TLS twin and become messages on `graph-changes`, and a removed
 * subscription is created again. One stack with no reset between the steps: the timer runs every 2 s throughout, and
 * a reset under a running pass would leave a row for a subscription the emulator no longer has.
 */
describe('the feed intake (local host, Graph emulator)', () => {
    let stack: LocalStack;
    let httpsPort: number;

    beforeAll(async () => {
        httpsPort = await freePort();
        stack = await startLocalStack({
            FUNCTIONS_HTTPS_PORT: String(httpsPort),
            FEED_NOTIFICATION_BASE_URL: `https://localhost:${httpsPort}`,
            FEED_RENEWAL_SCHEDULE: '*/2 * * * * *',
            TENANT_POLICY: JSON.stringify({ watch: { mailboxes: [alice.userPrincipalName] } }),
        });
    }, 60_000);
    afterAll(() => stack?.stop());

    const subscriptions = async () => {
        const response = await fetch(`${stack.emulatorUrl}/_emulator/subscriptions`);
        return ((await response.json()) as { value: EmulatorSubscription[] }).value;
    };
    const aliceSubscription = async () =>
        (await subscriptions()).find((s) => s.resource.toLowerCase().includes(alice.id));
    const queued = async () => {
        const queue = new QueueClient(stack.storageConnectionString, graphChangesQueueName);
        if (!(await queue.exists())) return [];
        const peeked = await queue.peekMessages({ numberOfMessages: 32 });
        // Each message carries the items of one POST (kind 'events'); the test looks at the items.
        return peeked.peekedMessageItems.flatMap((m) => {
            const message = decodeQueueMessage(m.messageText) as Record<string, unknown>;
            const items = message.kind === 'events' ? (message.items as Record<string, unknown>[]) : [message];
            return items.map((item): Record<string, unknown> => ({ ...item, kind: message.kind }));
        });
    };

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

    it('subscribes to the watched mailbox, queues the change Outlook makes, and recreates a removed subscription', async () => {
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
        const messages = await until('a graph-changes message for the cancelled meeting', async () => {
            const found = await queued();
            return found.some((m) => m.changeType === 'deleted') ? found : undefined;
        });
        expect(
            messages.every((m) => m.kind === 'events' && m.mailbox === alice.id && m.subscriptionId === first.id),
        ).toBe(true);
        expect(messages.some((m) => m.eventId === 'X')).toBe(false);

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
