import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TableClient } from '@azure/data-tables';
import { QueueClient } from '@azure/storage-queue';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { createTableClient } from '../../src/adapters/tables/tableClients';
import { TableDeliveryStore } from '../../src/adapters/tables/deliveryStore';
import { escapeKeyPart } from '../../src/adapters/tables/tableKeys';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';

const [alice] = devTenant.users;
const appId = 'ca9ce1a7-0000-4000-8000-0000000000d4';
const partitionKey = `t_${escapeKeyPart(devTenant.tenantId)}`;

/** A webhook endpoint on loopback that records the webhook-id of what it receives and answers 204. */
async function receiver() {
    const received: string[] = [];
    const server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
            received.push(String(req.headers['webhook-id']));
            res.writeHead(204).end();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Poisoned queue work on the local host: the fan-out or delivery function fails every try (an entity it reads is made
 * unreadable), the host moves the message to `<queue>-poison` after maxDequeueCount, and the drains act on it.
 */
describe('poison queues are drained into visible, recoverable state', () => {
    // Re-sends of a poisoned notification after 1 s (twice), so the test sees the re-send land.
    const local = useLocalStack({ NOTIFICATION_REDRIVE_DELAYS_SECONDS: '1,1' });
    const receivers: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
        for (const r of receivers.splice(0)) await r.close();
    });

    const table = (name: string) =>
        TableClient.fromConnectionString(local.stack.storageConnectionString, name, { allowInsecureConnection: true });
    const api = (path: string, token: string, init: RequestInit = {}) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            ...init,
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        });
    const operator = () => local.stack.token({ app: appId, roles: ['Subscriptions.ReadWrite.All'] });
    const admin = () => local.stack.token({ app: appId, roles: ['Cancellations.Admin'] });
    const subscribe = async (notificationUrl: string) => {
        // A tenant-wide subscription (an administrator's): it receives alice's cancellations too.
        const response = await api('subscriptions', admin(), {
            method: 'POST',
            body: JSON.stringify({ notificationUrl, eventTypes: ['event.cancelled'] }),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: string }).id;
    };
    /** Overwrites some properties of an entity; returns a function that puts the old values back. */
    const spoil = async (tableName: string, rowKey: string, bad: Record<string, unknown>) => {
        const client = table(tableName);
        const before = await client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
        await client.updateEntity({ partitionKey, rowKey, ...bad }, 'Merge');
        const restore = Object.fromEntries(Object.keys(bad).map((name) => [name, before[name]]));
        return () => client.updateEntity({ partitionKey, rowKey, ...restore }, 'Merge');
    };

    it('a notification whose fan-out poisons is parked, listed for admins, and sent again once it can be', async () => {
        // A real cancel while nobody is subscribed: the record exists and its own notification fans out to nobody.
        const cancelled = await api(
            `v1.0/me/events/${demoIds.budgetReviewId}/cancel`,
            local.stack.token({
                user: alice.userPrincipalName,
                scp: ['Calendars.ReadWrite'],
            }),
            { method: 'POST', body: '{"comment":"Moved"}' },
        );
        expect(cancelled.status).toBe(202);
        const cancellationId = decodeURIComponent(cancelled.headers.get('location')!.split('/').pop()!);
        // Its notification is queued after the answer: the subscriber comes only once that one went to nobody, or it
        // would receive it (as it should) and the check below could not tell a parked notification from it.
        await until('the cancel’s own notification to fan out to nobody', () =>
            local.stack.hostOutput.some((line) =>
                line.includes(`notification ${cancellationId}.event.cancelled: 0 webhook deliveries queued`),
            )
                ? true
                : undefined,
        );
        const hook = await receiver();
        receivers.push(hook);
        await subscribe(hook.url);

        // The record cannot be read (its actor is not JSON): every fan-out try of its notification throws.
        const restore = await spoil('cancellations', `rec_${escapeKeyPart(cancellationId)}`, { actor: '{broken' });
        const messageId = `${cancellationId}.event.cancelled`;
        const notifications = new QueueClient(local.stack.storageConnectionString, 'notifications');
        await notifications.sendMessage(
            Buffer.from(
                JSON.stringify({
                    schemaVersion: 1,
                    messageId,
                    type: 'event.cancelled',
                    tenantId: devTenant.tenantId,
                    cancellationId,
                    occurredAt: new Date().toISOString(),
                }),
            ).toString('base64'),
        );

        const parked = await until(
            'the poisoned notification to be listed',
            async () => {
                const response = await api('parkedNotifications', admin());
                const body = (await response.json()) as { value: Array<Record<string, unknown>> };
                return body.value.find((p) => p.id === messageId);
            },
            30_000,
        );
        expect(parked).toMatchObject({ state: 'redriving', cancellationId, eventType: 'event.cancelled' });
        expect(local.stack.hostOutput.join('\n')).toMatch(/Moving message to queue 'notifications-poison'/);
        expect(hook.received).toEqual([]);

        // Fixed: the next re-send goes through and the subscriber gets the notification.
        await restore();
        await until('the re-sent notification to arrive', () => (hook.received.length > 0 ? true : undefined), 30_000);

        // Only admins see parked notifications.
        expect((await api('parkedNotifications', operator())).status).toBe(403);
    }, 60_000);

    // Both lanes: first attempts (webhook-deliveries) and retries (webhook-deliveries-retry) each have a poison drain.
    it.each(['webhook-deliveries', 'webhook-deliveries-retry'])(
        'a delivery whose job on %s poisons becomes failed, and recover sends it to the receiver',
        async (queueName) => {
            const hook = await receiver();
            receivers.push(hook);
            const subscriptionId = await subscribe(hook.url);
            const since = new Date(Date.now() - 60_000).toISOString();
            // The subscription cannot be read while delivering (its secrets are not JSON): every delivery try throws.
            const restore = await spoil('subscriptions', `s_${escapeKeyPart(subscriptionId)}`, { secrets: '{broken' });
            const deliveryId = `msg_poisoned-${queueName}`;
            const now = new Date().toISOString();
            await new TableDeliveryStore(
                createTableClient(local.stack.storageConnectionString, 'deliveries'),
            ).createIfAbsent({
                id: deliveryId,
                tenantId: devTenant.tenantId,
                subscriptionId,
                messageId: 'poisoned-message',
                cancellationId: 'c-1',
                eventType: 'event.cancelled',
                state: 'pending',
                attempts: 0,
                createdAt: now,
                updatedAt: now,
                body: '{"type":"event.cancelled"}',
            });
            await new QueueClient(local.stack.storageConnectionString, queueName).sendMessage(
                Buffer.from(
                    JSON.stringify({ schemaVersion: 1, tenantId: devTenant.tenantId, deliveryId, attempt: 1 }),
                ).toString('base64'),
            );

            const failed = await until(
                'the poisoned delivery to be failed',
                async () => {
                    const entity = await table('deliveries').getEntity<Record<string, unknown>>(
                        partitionKey,
                        `rec_${escapeKeyPart(deliveryId)}`,
                    );
                    return entity.state === 'failed' ? entity : undefined;
                },
                30_000,
            );
            expect(String(failed.lastError)).toMatch(/^poisoned: /);
            expect(hook.received).toEqual([]);

            await restore();
            const recovered = await api(`subscriptions/${subscriptionId}/recover`, operator(), {
                method: 'POST',
                body: JSON.stringify({ since }),
            });
            expect(recovered.status).toBe(202);
            expect(await recovered.json()).toEqual({ replayed: 1 });
            await until(
                'the recovered delivery',
                () => (hook.received.includes(deliveryId) ? true : undefined),
                30_000,
            );
        },
        60_000,
    );
});
