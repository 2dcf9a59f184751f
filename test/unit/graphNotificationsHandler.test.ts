import { HttpRequest, InvocationContext } from '@azure/functions';
import type { TokenValidator } from '../../src/auth/tokenValidator';
import { type FeedChangeMessage, feedChangeMessageSchema } from '../../src/domain/feed/changeMessage';
import type { IntakeDeps } from '../../src/domain/feed/intake';
import type { LifecycleMessage } from '../../src/domain/feed/lifecycleMessage';
import { graphNotificationsHandler } from '../../src/http/handlers/graphNotifications';
import { httpRoutes } from '../../src/http/routes/manifest';
import { routeEdge } from '../../src/http/routes/serveRoute';
import { graphErrorSchema } from '../../src/http/schemas';
import { MemoryGraphSubscriptionStore } from '../support/fakes/memoryGraphSubscriptionStore';

const tenantId = 'dc0ffee0-7e4a-4c6b-9d2f-000000000001';
const alice = 'a11ce000-0000-4000-8000-000000000001';
const secret = 'the-subscription-secret-0123456789';

/** Graph sends no token: a validator that is ever asked fails the test. */
const tokens: TokenValidator = { authenticate: () => Promise.reject(new Error('a Graph callback asked for a token')) };

async function harness() {
    const store = new MemoryGraphSubscriptionStore();
    await store.saveMailbox(
        {
            mailbox: alice,
            state: 'active',
            subscriptionId: 'sub-1',
            clientState: secret,
            updatedAt: '2026-12-04T09:00:00Z',
        },
        undefined,
    );
    const changes: FeedChangeMessage[] = [];
    const lifecycle: LifecycleMessage[] = [];
    const logs: string[] = [];
    const deps: IntakeDeps = {
        tenantId,
        findSubscription: (id) => store.findSubscription(id),
        changes: { enqueue: (message) => Promise.resolve(void changes.push(message)) },
        lifecycle: { enqueue: (message) => Promise.resolve(void lifecycle.push(message)) },
        now: () => new Date('2026-12-04T10:00:00.000Z'),
        log: (line) => logs.push(line),
    };
    const post = async (
        name: 'graphNotifications' | 'graphLifecycleNotifications',
        { query = '', body, contentType = 'application/json' }: { query?: string; body?: string; contentType?: string },
    ) => {
        const route = httpRoutes.find((r) => r.name === name)!;
        const request = new HttpRequest({
            url: `https://gateway.contoso.test/api/${route.template}${query}`,
            method: 'POST',
            headers: { 'content-type': contentType },
            ...(body === undefined ? {} : { body: { string: body } }),
        });
        const kind = name === 'graphNotifications' ? 'changes' : 'lifecycle';
        const response = await routeEdge(
            route,
            graphNotificationsHandler(kind, deps),
            tokens,
        )(request, new InvocationContext({ functionName: name }));
        return {
            status: response.status,
            headers: new Headers(response.headers),
            body: response.body,
            json: response.jsonBody,
        };
    };
    return { changes, lifecycle, logs, post };
}

const item = (overrides: Record<string, unknown> = {}) => ({
    subscriptionId: 'sub-1',
    subscriptionExpirationDateTime: '2026-12-07T09:00:00.000Z',
    changeType: 'updated',
    resource: `Users/${alice}/Events/AAkALgImm-1`,
    resourceData: {
        '@odata.type': '#Microsoft.Graph.Event',
        '@odata.id': `Users/${alice}/Events/AAkALgImm-1`,
        '@odata.etag': 'W/"DwAAABYAAAA"',
        id: 'AAkALgImm-1',
    },
    clientState: secret,
    tenantId,
    ...overrides,
});

describe('POST /api/graph/notifications and /api/graph/lifecycle (Graph callbacks)', () => {
    it('answers the validation handshake with the decoded token as text/plain, whatever the body', async () => {
        const h = await harness();
        for (const name of ['graphNotifications', 'graphLifecycleNotifications'] as const) {
            const response = await h.post(name, {
                query: `?validationToken=${encodeURIComponent('Validation: Testing client application reachability for subscription Request-Id: 2a1b')}`,
                contentType: 'text/plain; charset=utf-8',
            });
            expect(response.status).toBe(200);
            expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
            expect(response.body).toBe(
                'Validation: Testing client application reachability for subscription Request-Id: 2a1b',
            );
        }
        expect([...h.changes, ...h.lifecycle]).toEqual([]);
    });

    it('queues the authentic items of one POST as one graph-changes message and answers 202 with no body', async () => {
        const h = await harness();
        const body = JSON.stringify({
            value: [item(), item({ changeType: 'deleted', resourceData: { id: 'AAkALgImm-2' } })],
        });
        const response = await h.post('graphNotifications', { body });
        expect(response.status).toBe(202);
        expect(response.body ?? '').toBe('');
        expect(h.changes).toEqual([
            {
                schemaVersion: 1,
                kind: 'events',
                tenantId,
                items: [
                    { mailbox: alice, eventId: 'AAkALgImm-1', changeType: 'updated', subscriptionId: 'sub-1' },
                    { mailbox: alice, eventId: 'AAkALgImm-2', changeType: 'deleted', subscriptionId: 'sub-1' },
                ],
                observedAt: '2026-12-04T10:00:00.000Z',
            },
        ]);
    });

    it('collapses duplicates of a 100-item POST into one message of the distinct items; forged items are left out', async () => {
        const h = await harness();
        const value = Array.from({ length: 100 }, (_, i) =>
            i === 99
                ? item({ clientState: 'forged', resourceData: { id: 'AAkALgForged' } })
                : item({ changeType: i % 2 ? 'deleted' : 'updated', resourceData: { id: `AAkALgImm-${i % 10}` } }),
        );
        const response = await h.post('graphNotifications', { body: JSON.stringify({ value }) });
        expect(response.status).toBe(202);
        expect(h.changes).toHaveLength(1);
        const [message] = h.changes;
        const items = message?.kind === 'events' ? message.items : [];
        // Ten events, each only ever 'updated' (even i) or 'deleted' (odd i): ten distinct (event, change type) pairs.
        expect(items.map((i) => `${i.eventId} ${i.changeType}`).sort()).toEqual(
            Array.from({ length: 10 }, (_, k) => `AAkALgImm-${k} ${k % 2 ? 'deleted' : 'updated'}`),
        );
        expect(items.map((i) => i.eventId)).not.toContain('AAkALgForged');
    });

    it('splits a batch whose message would pass the queue’s 64 KiB into messages that each fit', async () => {
        const h = await harness();
        const value = Array.from({ length: 100 }, (_, i) =>
            item({ resourceData: { id: `AAkALg${String(i).padStart(3, '0')}${'x'.repeat(390)}` } }),
        );
        expect((await h.post('graphNotifications', { body: JSON.stringify({ value }) })).status).toBe(202);
        expect(h.changes.length).toBeGreaterThan(1);
        for (const message of h.changes) {
            expect(Buffer.from(JSON.stringify(message)).toString('base64').length).toBeLessThan(64 * 1024);
            expect(feedChangeMessageSchema.safeParse(message).success).toBe(true);
        }
        const ids = h.changes.flatMap((message) => (message.kind === 'events' ? message.items : []));
        expect(ids).toHaveLength(100);
    });

    it('drops a forged clientState, an unknown subscription and another tenant: 202, nothing queued, no secret logged', async () => {
        const h = await harness();
        const body = JSON.stringify({
            value: [
                item({ clientState: 'guessed-secret' }),
                item({ clientState: null }),
                item({ subscriptionId: 'sub-unknown' }),
                item({ tenantId: '00000000-0000-4000-8000-00000000dead' }),
            ],
        });
        const response = await h.post('graphNotifications', { body });
        expect(response.status).toBe(202);
        expect(h.changes).toEqual([]);
        expect(h.logs).toHaveLength(4);
        expect(h.logs.join('\n')).toMatch(/wrong clientState/);
        expect(h.logs.join('\n')).not.toContain(secret);
        expect(h.logs.join('\n')).not.toContain('guessed-secret');
    });

    it('queues an authentic lifecycle notification for the graph-lifecycle worker; a forged one changes nothing', async () => {
        const h = await harness();
        const lifecycleItem = (overrides: Record<string, unknown>) => ({
            subscriptionId: 'sub-1',
            subscriptionExpirationDateTime: '2026-12-07T09:00:00.000Z',
            lifecycleEvent: 'missed',
            clientState: secret,
            tenantId,
            ...overrides,
        });
        const body = JSON.stringify({
            value: [
                lifecycleItem({}),
                lifecycleItem({ lifecycleEvent: 'subscriptionRemoved', clientState: 'forged' }),
                lifecycleItem({ lifecycleEvent: 'somethingNew' }),
            ],
        });
        expect((await h.post('graphLifecycleNotifications', { body })).status).toBe(202);
        expect(h.lifecycle).toEqual([
            {
                schemaVersion: 1,
                lifecycleEvent: 'missed',
                subscriptionId: 'sub-1',
                mailbox: alice,
                observedAt: '2026-12-04T10:00:00.000Z',
            },
        ]);
    });

    it.each([
        ['malformed JSON', '{"value": [', 'application/json', 400],
        ['no value array', '{"items": []}', 'application/json', 400],
        ['an empty batch', '{"value": []}', 'application/json', 400],
        ['an item without subscriptionId', '{"value": [{"changeType": "updated"}]}', 'application/json', 400],
        ['a JSON array', '[]', 'application/json', 400],
        ['an empty body', undefined, 'application/json', 400],
        ['another content type', '{"value": []}', 'text/xml', 415],
    ])('refuses %s with Graph’s error envelope (%#)', async (_what, body, contentType, status) => {
        const h = await harness();
        const response = await h.post('graphNotifications', { ...(body === undefined ? {} : { body }), contentType });
        expect(response.status).toBe(status);
        expect(graphErrorSchema.safeParse(response.json).success).toBe(true);
        expect(h.changes).toEqual([]);
    });

    it('refuses an oversized body with 413, not 500', async () => {
        const h = await harness();
        const body = JSON.stringify({ value: [item({ padding: 'x'.repeat(1_100_000) })] });
        const response = await h.post('graphNotifications', { body });
        expect(response.status).toBe(413);
        expect(graphErrorSchema.safeParse(response.json).success).toBe(true);
    });
});
