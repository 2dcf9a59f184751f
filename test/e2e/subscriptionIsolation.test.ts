import { Webhook } from 'standardwebhooks';
import { demoIds } from '../../dev/graph-emulator/demoTenant';
import { devTenant } from '../../dev/identity/devTenant';
import { useLocalStack } from '../support/stack';
import { until } from '../support/until';
import { webhookReceiver, type WebhookReceiver } from '../support/webhookReceiver';

/*
 * Tenant isolation of webhook subscriptions (issue 13, items 1 and 2), on the real stack: two delegated users with
 * exactly what the Power Automate connector asks for, an admin app holding the Cancellations.Admin app role, and a
 * user whose client was consented for a delegated scope named Cancellations.Admin (which must count for nothing).
 */

const [alice, bob, carol] = devTenant.users;
const adminAppId = 'ca9ce1a7-0000-4000-8000-0000000000a1';
const connectorScopes = ['Subscriptions.ReadWrite.All', 'Calendars.ReadWrite'];

interface Created {
    id: string;
    secret: string;
    scope: string;
}

interface Payload {
    type: string;
    data: { cancellationId: string; resource: { subject?: string } };
}

describe('webhook subscriptions belong to their owner (two users, one admin app)', () => {
    const local = useLocalStack();
    const receivers: WebhookReceiver[] = [];
    afterEach(async () => {
        for (const r of receivers.splice(0)) await r.close();
    });

    const tokens = {
        alice: () => local.stack.token({ user: alice.userPrincipalName, scp: connectorScopes }),
        bob: () => local.stack.token({ user: bob.userPrincipalName, scp: connectorScopes }),
        adminApp: () => local.stack.token({ app: adminAppId, roles: ['Cancellations.Admin'] }),
        /** Carol's client was consented for a delegated scope named Cancellations.Admin: she is no administrator. */
        carolScoped: () =>
            local.stack.token({ user: carol.userPrincipalName, scp: [...connectorScopes, 'Cancellations.Admin'] }),
        /** Carol assigned the app role (an app-role assignment, `roles` in her token): an administrator. */
        carolAssigned: () =>
            local.stack.token({
                user: carol.userPrincipalName,
                scp: ['Subscriptions.ReadWrite.All'],
                roles: ['Cancellations.Admin'],
            }),
    };
    type Who = keyof typeof tokens;

    const call = (who: Who, method: string, path: string, body?: unknown) =>
        fetch(`${local.stack.gatewayUrl}/api/${path}`, {
            method,
            headers: {
                Authorization: `Bearer ${tokens[who]()}`,
                ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
    const json = async <T>(response: Response | Promise<Response>) => (await (await response).json()) as T;
    const listedIds = async (who: Who) =>
        (await json<{ value: Array<{ id: string }> }>(call(who, 'GET', 'subscriptions'))).value.map((s) => s.id).sort();

    /** Alice, Bob and the admin app each subscribe to event.cancelled with their own receiver. */
    async function subscribeAll() {
        const subscribe = async (who: Who) => {
            const endpoint = await webhookReceiver();
            receivers.push(endpoint);
            const response = await call(who, 'POST', 'subscriptions', {
                notificationUrl: endpoint.url,
                eventTypes: ['event.cancelled'],
                clientState: `${who}-state`,
            });
            expect(response.status).toBe(201);
            return { endpoint, subscription: await json<Created>(response) };
        };
        return { alice: await subscribe('alice'), bob: await subscribe('bob'), admin: await subscribe('adminApp') };
    }

    const cancel = (who: Who, path: string, comment: string) =>
        call(who, 'POST', `v1.0/${path}/cancel`, { comment }).then((response) => {
            expect(response.status).toBe(202);
        });

    it('each user lists only their own subscriptions; the admin app (and an app-role user) lists all', async () => {
        const { alice: a, bob: b, admin } = await subscribeAll();
        expect([a.subscription.scope, b.subscription.scope, admin.subscription.scope]).toEqual([
            'owner',
            'owner',
            'tenant',
        ]);
        expect(await listedIds('alice')).toEqual([a.subscription.id]);
        expect(await listedIds('bob')).toEqual([b.subscription.id]);
        const all = [a.subscription.id, b.subscription.id, admin.subscription.id].sort();
        expect(await listedIds('adminApp')).toEqual(all);
        expect(await listedIds('carolAssigned')).toEqual(all);
        // The full view, URL and clientState included, is only ever shown to its owner (and administrators).
        const bobsView = await json<{ value: Array<Record<string, unknown>> }>(call('bob', 'GET', 'subscriptions'));
        expect(JSON.stringify(bobsView)).not.toContain(a.endpoint.url);
        expect(JSON.stringify(bobsView)).not.toContain('alice-state');
    });

    it("neither user can get, patch, delete, rotate or recover the other's subscription (404, as an unknown id)", async () => {
        const { alice: a, bob: b } = await subscribeAll();
        const unknown = await json<{ error: { code: string; message: string } }>(
            call('bob', 'GET', 'subscriptions/nope'),
        );
        for (const [who, other] of [
            ['bob', a.subscription.id],
            ['alice', b.subscription.id],
        ] as const) {
            const attempts = [
                call(who, 'GET', `subscriptions/${other}`),
                call(who, 'PATCH', `subscriptions/${other}`, { enabled: false, clientState: 'hijacked' }),
                call(who, 'DELETE', `subscriptions/${other}`),
                call(who, 'POST', `subscriptions/${other}/rotateSecret`),
                call(who, 'POST', `subscriptions/${other}/recover`, { since: '2020-01-01T00:00:00Z' }),
            ];
            for (const response of await Promise.all(attempts)) {
                expect(response.status).toBe(404);
                const body = await json<{ error: { code: string; message: string } }>(response);
                expect(body.error.code).toBe(unknown.error.code);
                expect(body.error.message).toBe(`Subscription '${other}' was not found.`);
            }
        }
        // Untouched: still enabled, same clientState, and the owners still manage them.
        expect(await json(call('alice', 'GET', `subscriptions/${a.subscription.id}`))).toMatchObject({
            enabled: true,
            clientState: 'alice-state',
        });
        expect((await call('bob', 'POST', `subscriptions/${b.subscription.id}/rotateSecret`)).status).toBe(200);
        expect(
            (
                await call('alice', 'POST', `subscriptions/${a.subscription.id}/recover`, {
                    since: '2020-01-01T00:00:00Z',
                })
            ).status,
        ).toBe(202);
        // The admin app manages anyone's.
        expect((await call('adminApp', 'PATCH', `subscriptions/${b.subscription.id}`, { enabled: false })).status).toBe(
            200,
        );
        expect((await call('adminApp', 'DELETE', `subscriptions/${b.subscription.id}`)).status).toBe(204);
        expect(await listedIds('bob')).toEqual([]);
    });

    it("each receives only the cancellations they made; the admin app's subscription receives all; deliveries follow the owner", async () => {
        const { alice: a, bob: b, admin } = await subscribeAll();
        const subjects = (endpoint: WebhookReceiver, secret: string) =>
            endpoint.received.map(
                (r) => (new Webhook(secret).verify(r.body, r.headers) as Payload).data.resource.subject,
            );

        await cancel('alice', `me/events/${demoIds.budgetReviewId}`, 'Moved to next week');
        await until("Alice's cancellation at Alice's and the admin app's endpoints", () =>
            a.endpoint.received.length > 0 && admin.endpoint.received.length > 0 ? true : undefined,
        );
        // Bob, a member of the sales group, cancels its meeting: his own record.
        await cancel('bob', `groups/${demoIds.salesGroupId}/events/${demoIds.salesMeetingId}`, 'No pipeline today');
        await until("Bob's cancellation at Bob's and the admin app's endpoints", () =>
            b.endpoint.received.length > 0 && admin.endpoint.received.length > 1 ? true : undefined,
        );

        // Alice's notification was fanned out (to every subscription it matched) long before Bob's: had Bob's
        // subscription matched it, its delivery would be there by now.
        expect(subjects(a.endpoint, a.subscription.secret)).toEqual(['Budget review']);
        expect(subjects(b.endpoint, b.subscription.secret)).toEqual(['Sales pipeline']);
        expect(subjects(admin.endpoint, admin.subscription.secret).sort()).toEqual(['Budget review', 'Sales pipeline']);

        // Deliveries: the admin app sees every one (one per subscription that received it); each user their own.
        type DeliveryList = { value: Array<{ id: string; subscriptionId: string; cancellationId: string }> };
        const adminList = await until('the four deliveries to be listed', async () => {
            const list = await json<DeliveryList>(call('adminApp', 'GET', 'deliveries'));
            return list.value.length >= 4 ? list.value : undefined;
        });
        expect(adminList.map((d) => d.subscriptionId).sort()).toEqual(
            [a.subscription.id, b.subscription.id, admin.subscription.id, admin.subscription.id].sort(),
        );
        const aliceList = (await json<DeliveryList>(call('alice', 'GET', 'deliveries'))).value;
        const bobList = (await json<DeliveryList>(call('bob', 'GET', 'deliveries'))).value;
        expect(aliceList.map((d) => d.subscriptionId)).toEqual([a.subscription.id]);
        expect(bobList.map((d) => d.subscriptionId)).toEqual([b.subscription.id]);
        expect(await json(call('bob', 'GET', `deliveries?subscriptionId=${a.subscription.id}`))).toEqual({ value: [] });

        // Replay follows the owner: Bob cannot replay Alice's delivery (404), Alice can, and so can the admin app.
        const alicesDelivery = aliceList[0]!.id;
        const refused = await call('bob', 'POST', `deliveries/${alicesDelivery}/replay`);
        expect(refused.status).toBe(404);
        expect(await json(refused)).toMatchObject({ error: { code: 'itemNotFound' } });
        expect((await call('alice', 'POST', `deliveries/${alicesDelivery}/replay`)).status).toBe(202);
        await until('the replayed delivery at Alice', () => (a.endpoint.received.length > 1 ? true : undefined));
        expect((await call('adminApp', 'POST', `deliveries/${bobList[0]!.id}/replay`)).status).toBe(202);
        expect(subjects(b.endpoint, b.subscription.secret)).not.toContain('Budget review');
    }, 60_000);

    it('a delegated scope named Cancellations.Admin makes no administrator: own subscriptions only, 403 where admin is needed', async () => {
        const { alice: a } = await subscribeAll();
        const endpoint = await webhookReceiver();
        receivers.push(endpoint);
        // Tenant-wide needs the app role.
        const tenantWide = await call('carolScoped', 'POST', 'subscriptions', {
            notificationUrl: endpoint.url,
            eventTypes: ['event.cancelled'],
            scope: 'tenant',
        });
        expect(tenantWide.status).toBe(403);
        expect(await json(tenantWide)).toMatchObject({ error: { code: 'ErrorAccessDenied' } });
        const own = await call('carolScoped', 'POST', 'subscriptions', {
            notificationUrl: endpoint.url,
            eventTypes: ['event.cancelled'],
        });
        expect(own.status).toBe(201);
        const created = await json<Created>(own);
        expect(created.scope).toBe('owner');
        expect(await listedIds('carolScoped')).toEqual([created.id]);
        expect((await call('carolScoped', 'GET', `subscriptions/${a.subscription.id}`)).status).toBe(404);
        expect((await call('carolScoped', 'POST', 'reconcile')).status).toBe(403);

        // Her subscription does not receive Alice's cancellation; her listings show nothing of Alice's.
        await cancel('alice', `me/events/${demoIds.budgetReviewId}`, 'Moved');
        await until("Alice's own notification", () => (a.endpoint.received.length > 0 ? true : undefined));
        expect(await json(call('carolScoped', 'GET', 'cancellations'))).toEqual({ value: [] });
        expect(await json(call('carolScoped', 'GET', 'deliveries'))).toEqual({ value: [] });
        expect(endpoint.received).toEqual([]);
        // The same records are an administrator's to see with the app role.
        const adminView = await json<{ value: unknown[] }>(call('carolAssigned', 'GET', 'cancellations'));
        expect(adminView.value).toHaveLength(1);
    }, 40_000);
});
