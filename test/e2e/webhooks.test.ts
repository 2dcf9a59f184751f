import { QueueClient } from '@azure/storage-queue';
import { Webhook } from 'standardwebhooks';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import { TableDeliveryStore } from '../../src/adapters/tables/deliveryStore';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';
import { webhookReceiver as receiver } from '../support/webhookReceiver';

const [alice] = devTenant.users;
const appId = 'ca9ce1a7-0000-4000-8000-0000000000d4';
/** An operator app: its subscriptions are tenant-wide (every cancellation), its deliveries listing the tenant's. */
const operatorRoles = ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'];

describe('webhook notifications end to end (gateway → queue functions → signed POST)', () => {
    const local = useLocalStack();
    const receivers: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
        for (const r of receivers.splice(0)) await r.close();
    });

    const subscribe = async (notificationUrl: string, eventTypes: string[]) => {
        const response = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${local.stack.token({ app: appId, roles: operatorRoles })}`,
                'Content-Type': 'application/json',
            },
            body: JSON.stringify({ notificationUrl, eventTypes, clientState: 'state-42' }),
        });
        expect(response.status).toBe(201);
        return (await response.json()) as { id: string; secret: string };
    };
    const cancelBudgetReview = () =>
        fetch(`${local.stack.gatewayUrl}/api/v1.0/me/events/${demoIds.budgetReviewId}/cancel`, {
            method: 'POST',
            headers: {
                Authorization: `Bearer ${local.stack.token({ user: alice.userPrincipalName, scp: ['Calendars.ReadWrite'] })}`,
                'Content-Type': 'application/json',
            },
            body: '{"comment":"Moved to next week"}',
        });

    it('delivers exactly one signed notification per matching subscription, with the attendees', async () => {
        const [first, second, bookingsOnly] = [await receiver(), await receiver(), await receiver()];
        receivers.push(first, second, bookingsOnly);
        const subscriptionA = await subscribe(first.url, ['event.cancelled', 'bookingAppointment.cancelled']);
        const subscriptionB = await subscribe(second.url, ['event.cancelled']);
        await subscribe(bookingsOnly.url, ['bookingAppointment.cancelled']);

        expect((await cancelBudgetReview()).status).toBe(202);
        await until('both deliveries', () => (first.received.length && second.received.length ? true : undefined));
        await new Promise((r) => setTimeout(r, 2_500)); // room for a duplicate to show up, if there were one
        expect(first.received).toHaveLength(1);
        expect(second.received).toHaveLength(1);
        expect(bookingsOnly.received).toHaveLength(0);

        for (const [endpoint, subscription] of [
            [first, subscriptionA],
            [second, subscriptionB],
        ] as const) {
            const delivery = endpoint.received[0]!;
            const payload = new Webhook(subscription.secret).verify(delivery.body, delivery.headers) as {
                type: string;
                data: Record<string, unknown>;
            };
            expect(payload).toMatchObject({
                type: 'event.cancelled',
                data: {
                    comment: 'Moved to next week',
                    clientState: 'state-42',
                    resource: { eventId: demoIds.budgetReviewId, subject: 'Budget review' },
                    attendees: [
                        { name: 'Bob Brown', address: 'bob@contoso.test', type: 'required', response: 'none' },
                        { name: 'Carol Clark', address: 'carol@contoso.test', type: 'required', response: 'none' },
                    ],
                },
            });
            expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
        }
        expect(first.received[0]!.headers['webhook-id']).not.toBe(second.received[0]!.headers['webhook-id']);
    }, 40_000);

    it('sends booking customers, and retries a failing endpoint with the same webhook-id until it succeeds', async () => {
        const flaky = await receiver((n) => (n === 1 ? 503 : 204));
        receivers.push(flaky);
        const subscription = await subscribe(flaky.url, ['bookingAppointment.cancelled']);
        const cancelled = await fetch(
            `${local.stack.gatewayUrl}/api/v1.0/solutions/bookingBusinesses/${demoIds.businessId}/appointments/${demoIds.lunchAppointmentId}/cancel`,
            {
                method: 'POST',
                headers: {
                    Authorization: `Bearer ${local.stack.token({ user: alice.userPrincipalName, scp: ['Bookings.ReadWrite.All'] })}`,
                    'Content-Type': 'application/json',
                },
                body: '{"cancellationMessage":"Kitchen closed"}',
            },
        );
        expect(cancelled.status).toBe(204);
        await until('the retry', () => (flaky.received.length >= 2 ? true : undefined), 30_000);
        const [failed, retried] = flaky.received;
        expect(retried!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
        expect(retried!.body).toBe(failed!.body);
        const payload = new Webhook(subscription.secret).verify(retried!.body, retried!.headers) as {
            data: Record<string, unknown>;
        };
        expect(payload.data).toMatchObject({
            cancellationMessage: 'Kitchen closed',
            customers: [{ name: 'Pat Customer', address: 'pat@fabrikam.test', phone: '+1 555 0101', type: 'customer' }],
        });

        const token = local.stack.token({ app: appId, roles: operatorRoles });
        const list = await until('the delivery to be recorded as succeeded', async () => {
            const response = await fetch(`${local.stack.gatewayUrl}/api/deliveries?state=succeeded`, {
                headers: { Authorization: `Bearer ${token}` },
            });
            const body = (await response.json()) as { value: Array<{ id: string; attempts: number }> };
            return body.value.length > 0 ? body.value : undefined;
        });
        expect(list[0]).toMatchObject({ attempts: 2, lastStatus: 204, state: 'succeeded' });

        const replay = await fetch(`${local.stack.gatewayUrl}/api/deliveries/${list[0]!.id}/replay`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}` },
        });
        expect(replay.status).toBe(202);
        await until('the replayed delivery', () => (flaky.received.length >= 3 ? true : undefined));
        expect(flaky.received[2]!.headers['webhook-id']).toBe(failed!.headers['webhook-id']);
    }, 45_000);

    it.each([
        'https://10.0.0.1/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::ffff:192.168.0.1]/hook',
        'http://example.com/hook',
        'https://user:pass@127.0.0.1/hook',
    ])('refuses to subscribe %s (400) and stores nothing', async (notificationUrl) => {
        const token = local.stack.token({ app: appId, roles: ['Subscriptions.ReadWrite.All'] });
        const response = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: JSON.stringify({ notificationUrl, eventTypes: ['event.cancelled'] }),
        });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'invalidNotificationUrl' } });
        const list = await fetch(`${local.stack.gatewayUrl}/api/subscriptions`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        expect(await list.json()).toEqual({ value: [] });
    });

    it('parks a delivery job that fails validation in the poison queue, with the reason logged', async () => {
        const queue = new QueueClient(local.stack.storageConnectionString, 'webhook-deliveries');
        await queue.createIfNotExists();
        await queue.sendMessage(Buffer.from(JSON.stringify({ schemaVersion: 1, deliveryId: 42 })).toString('base64'));
        // The poison queue's drain takes it from there: it names no delivery, so it is logged as it was and dropped.
        await until('the drain to log the unreadable job', () =>
            /poisoned delivery job dropped, not a delivery job: \{\\"schemaVersion\\":1,\\"deliveryId\\":42\}/.test(
                local.stack.hostOutput.join('\n'),
            )
                ? true
                : undefined,
        );
        expect(local.stack.hostOutput.join('\n')).toMatch(/moved to webhook-deliveries-poison: tenantId: /);
    }, 30_000);

    it('lists deliveries newest first a page at a time, following @odata.nextLink', async () => {
        const store = new TableDeliveryStore(createTableClient(local.stack.storageConnectionString, 'deliveries'));
        const ids = [0, 1, 2, 3, 4].map((n) => `msg_paging-${n}`);
        for (const [n, id] of ids.entries()) {
            const at = new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
            await store.createIfAbsent({
                id,
                tenantId: devTenant.tenantId,
                subscriptionId: 's-paging',
                messageId: `m${n}`,
                cancellationId: `c${n}`,
                eventType: 'event.cancelled',
                state: 'failed',
                body: '{}',
                attempts: 8,
                createdAt: at,
                updatedAt: at,
            });
        }
        // An administrator: every delivery of the tenant, whoever's subscription it belongs to.
        const token = local.stack.token({ app: appId, roles: ['Cancellations.Admin'] });
        const seen: string[][] = [];
        let next: string | undefined = `${local.stack.gatewayUrl}/api/deliveries?state=failed&$top=2`;
        while (next !== undefined) {
            const response = await fetch(next, { headers: { Authorization: `Bearer ${token}` } });
            expect(response.status).toBe(200);
            const body = (await response.json()) as { value: Array<{ id: string }>; '@odata.nextLink'?: string };
            seen.push(body.value.map((d) => d.id));
            next = body['@odata.nextLink'];
        }
        expect(seen).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
        const bad = await fetch(`${local.stack.gatewayUrl}/api/deliveries?$skiptoken=nonsense`, {
            headers: { Authorization: `Bearer ${token}` },
        });
        expect(bad.status).toBe(400);
    }, 30_000);
});
