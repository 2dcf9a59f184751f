import { TableClient } from '@azure/data-tables';
import { freePort } from '../../dev/azurite';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { graphSubscriptionsTable, TableGraphSubscriptionStore } from '../../src/adapters/tables/graphSubscriptionStore';
import { ConcurrencyConflict } from '../../src/domain/shared/stored';
import { feedStackEnv, outlookRecords } from '../support/feedStack';
import { gatewayGraphToken } from '../../dev/graph-emulator/gatewayGraphToken';
import { type LocalStack, startLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice] = devTenant.users;

interface EmulatorSubscription {
    id: string;
    resource: string;
    expirationDateTime: string;
}

/**
 * How the feed recovers what Graph did not deliver, on the local host against the Graph emulator: changes lost to
 * dropped notifications are found by delta after a `missed` lifecycle notification, and a subscription that expired
 * (while the app was not renewing) is created again by the timer. One stack, no reset between the steps: the timer
 * runs every 2 s throughout.
 */
describe('the feed intake recovers lost notifications and expired subscriptions (local host, Graph emulator)', () => {
    let stack: LocalStack;

    beforeAll(async () => {
        const httpsPort = await freePort();
        stack = await startLocalStack(feedStackEnv(httpsPort, { mailboxes: [alice.userPrincipalName] }));
    }, 60_000);
    afterAll(() => stack?.stop());

    const emulator = async (path: string, init?: { method: string; body?: unknown }) => {
        const response = await fetch(`${stack.emulatorUrl}/_emulator/${path}`, {
            method: init?.method ?? 'GET',
            headers: { 'Content-Type': 'application/json' },
            ...(init?.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        });
        if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
        return response.status === 204 ? undefined : response.json();
    };
    const aliceSubscription = async () => {
        const { value } = (await emulator('subscriptions')) as { value: EmulatorSubscription[] };
        return value.find((s) => s.resource.toLowerCase().includes(alice.id));
    };
    const store = () =>
        new TableGraphSubscriptionStore(
            TableClient.fromConnectionString(stack.storageConnectionString, graphSubscriptionsTable, {
                allowInsecureConnection: true,
            }),
        );
    it('takes a delta baseline right after subscribing', async () => {
        await until('the timer to subscribe to alice', aliceSubscription, 30_000);
        const row = await until('a delta link on alice’s row', async () => {
            const found = await store().getMailbox(alice.id);
            return found?.value.deltaLink !== undefined ? found : undefined;
        });
        expect(row.value.deltaLink).toMatch(/\/calendarView\/delta\?\$deltatoken=/);
        expect(stack.hostOutput.some((line) => line.includes('no delta baseline'))).toBe(false);
    }, 60_000);

    it('records a cancel whose notifications were dropped, found by delta after a missed lifecycle notification', async () => {
        const subscription = await until('alice’s subscription', aliceSubscription);
        await emulator('faults', { method: 'PUT', body: { dropNotifications: 'all' } });
        await emulator(
            `mailboxes/${encodeURIComponent(alice.userPrincipalName)}/events/${encodeURIComponent(demoIds.budgetReviewId)}/cancelInOutlook`,
            { method: 'POST', body: {} },
        );
        const log = (await emulator(`notifications?subscriptionId=${subscription.id}`)) as {
            value: { kind: string; outcome: string }[];
        };
        expect(log.value.filter((b) => b.kind === 'change').every((b) => b.outcome === 'dropped')).toBe(true);
        await emulator('faults', { method: 'DELETE' });
        expect(await outlookRecords(stack)).toEqual([]);

        await emulator(`subscriptions/${subscription.id}/lifecycle`, {
            method: 'POST',
            body: { lifecycleEvent: 'missed' },
        });
        const records = await until('a record of the cancel found by delta', async () => {
            const found = await outlookRecords(stack);
            return found.length > 0 ? found : undefined;
        });
        expect(records).toEqual([
            expect.objectContaining({
                origin: 'outlook',
                resource: expect.objectContaining({ subject: 'Budget review' }) as unknown,
            }),
        ]);
    }, 90_000);

    it('creates a subscription again once the old one expired', async () => {
        const old = await until('alice’s subscription', aliceSubscription);
        // Graph deletes a subscription once it expires. The emulator's clock is not moved past the expiry: that would
        // put Graph's clock about one lifetime ahead of the host's, and the host's next subscription (its expiry is
        // the host's now + the lifetime) would live at Graph only as long as the old one had lived so far (a flake
        // when the old one was young). So the old one is removed as Graph removes it, through Graph's own DELETE ...
        const removed = await fetch(`${stack.emulatorTlsUrl}/v1.0/subscriptions/${old.id}`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${await gatewayGraphToken(stack.emulatorTlsUrl)}` },
        });
        expect(removed.status).toBe(204);
        expect(await aliceSubscription()).toBeUndefined();
        // ... and the host's row says it expired (the host's clock cannot be moved from outside).
        await until('alice’s row marked expired', async () => {
            const row = await store().getMailbox(alice.id);
            if (row === null) return undefined;
            try {
                await store().saveMailbox(
                    { ...row.value, expiresAt: new Date(Date.now() - 1_000).toISOString() },
                    row.etag,
                );
                return true;
            } catch (error) {
                if (error instanceof ConcurrencyConflict) return undefined;
                throw error;
            }
        });

        const renewed = await until('a new subscription on alice', async () => {
            const current = await aliceSubscription();
            return current !== undefined && current.id !== old.id ? current : undefined;
        });
        expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(old.expirationDateTime));
    }, 90_000);
});
