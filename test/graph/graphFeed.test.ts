import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import { ensureDevTls } from '../../dev/tls/devCa';
import { GraphClient } from '../../src/adapters/graph/graphClient';
import { GraphDirectory } from '../../src/adapters/graph/graphDirectory';
import { GraphFeed } from '../../src/adapters/graph/graphFeed';

interface Reply {
    readonly status: number;
    readonly body?: unknown;
    readonly headers?: Record<string, string>;
}

/** A real HTTPS server standing in for Graph, answering from a script and recording what it received. */
async function scriptedGraph(replies: Reply[]) {
    const received: Array<{ method?: string; url: string; body: string; prefer?: string }> = [];
    const { certPem, keyPem } = ensureDevTls();
    const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
            received.push({ method: req.method, url: req.url ?? '', body, prefer: String(req.headers.prefer) });
            const reply = replies.shift() ?? { status: 500 };
            res.writeHead(reply.status, {
                'content-type': 'application/json',
                'request-id': `rid-${received.length}`,
                ...reply.headers,
            });
            res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 't', expiresOnTimestamp: 0 }) };
    const client = new GraphClient({
        baseUrl: `https://localhost:${port}`,
        credential,
        timeoutMs: 5_000,
        retryDeadlineMs: 20_000,
    });
    const close = () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
    };
    return { feed: new GraphFeed(client), directory: new GraphDirectory(client), received, close };
}

const alice = 'a11ce000-0000-4000-8000-000000000001';
const graphError = (code: string) => ({ error: { code, message: code } });

describe('GraphFeed: subscriptions and calendar view delta (Graph over HTTPS)', () => {
    it("creates a subscription on the mailbox's events, updated and deleted, asking for immutable ids", async () => {
        const graph = await scriptedGraph([
            { status: 201, body: { id: 'sub-1', expirationDateTime: '2026-12-07T07:30:00Z', clientState: 's' } },
        ]);
        try {
            const created = await graph.feed.create({
                mailbox: alice,
                notificationUrl: 'https://gw.contoso.test/api/graph/notifications',
                lifecycleNotificationUrl: 'https://gw.contoso.test/api/graph/lifecycle',
                clientState: 'secret-1',
                expiresAt: '2026-12-07T07:30:00.000Z',
            });
            expect(created).toEqual({ id: 'sub-1', expiresAt: '2026-12-07T07:30:00Z' });
            const [request] = graph.received;
            expect(request?.method).toBe('POST');
            expect(request?.url).toBe('/v1.0/subscriptions');
            expect(request?.prefer).toBe('IdType="ImmutableId"');
            expect(JSON.parse(request?.body ?? '{}')).toEqual({
                changeType: 'updated,deleted',
                notificationUrl: 'https://gw.contoso.test/api/graph/notifications',
                lifecycleNotificationUrl: 'https://gw.contoso.test/api/graph/lifecycle',
                resource: `/users/${alice}/events`,
                expirationDateTime: '2026-12-07T07:30:00.000Z',
                clientState: 'secret-1',
            });
        } finally {
            await graph.close();
        }
    });

    it('renews with PATCH (404: gone), deletes (404 counts as deleted), and honours Retry-After when throttled', async () => {
        const graph = await scriptedGraph([
            { status: 429, body: graphError('TooManyRequests'), headers: { 'Retry-After': '0' } },
            { status: 200, body: { id: 'sub-1', expirationDateTime: '2026-12-08T00:00:00Z' } },
            { status: 404, body: graphError('ResourceNotFound') },
            { status: 204 },
            { status: 404, body: graphError('ResourceNotFound') },
        ]);
        try {
            expect(await graph.feed.renew('sub-1', '2026-12-08T00:00:00.000Z')).toEqual({
                expiresAt: '2026-12-08T00:00:00Z',
            });
            expect(await graph.feed.renew('sub-2', '2026-12-08T00:00:00.000Z')).toBe('gone');
            await graph.feed.remove('sub-1');
            await graph.feed.remove('sub-2');
            expect(graph.received.map((r) => `${r.method} ${r.url}`)).toEqual([
                'PATCH /v1.0/subscriptions/sub-1',
                'PATCH /v1.0/subscriptions/sub-1',
                'PATCH /v1.0/subscriptions/sub-2',
                'DELETE /v1.0/subscriptions/sub-1',
                'DELETE /v1.0/subscriptions/sub-2',
            ]);
            expect(JSON.parse(graph.received[0]?.body ?? '{}')).toEqual({
                expirationDateTime: '2026-12-08T00:00:00.000Z',
            });
        } finally {
            await graph.close();
        }
    });

    it('a delta round follows every page to the configured Graph, marks removed items, and keeps the deltaLink', async () => {
        const graph = await scriptedGraph([
            {
                status: 200,
                body: {
                    value: [{ id: 'E1', subject: 'x' }],
                    '@odata.nextLink': `https://graph.microsoft.com/v1.0/users/${alice}/calendarView/delta?$skiptoken=p2`,
                },
            },
            {
                status: 200,
                body: {
                    value: [{ id: 'E2', '@removed': { reason: 'deleted' } }],
                    '@odata.deltaLink': `https://graph.microsoft.com/v1.0/users/${alice}/calendarView/delta?$deltatoken=d1`,
                },
            },
        ]);
        try {
            const page = await graph.feed.delta(alice, {
                start: '2026-12-03T00:00:00.000Z',
                end: '2027-03-03T00:00:00.000Z',
            });
            expect(page).toEqual({
                changes: [
                    { eventId: 'E1', removed: false },
                    { eventId: 'E2', removed: true },
                ],
                deltaLink: `https://graph.microsoft.com/v1.0/users/${alice}/calendarView/delta?$deltatoken=d1`,
            });
            expect(graph.received.map((r) => decodeURIComponent(r.url))).toEqual([
                `/v1.0/users/${alice}/calendarView/delta?startDateTime=2026-12-03T00:00:00.000Z&endDateTime=2027-03-03T00:00:00.000Z`,
                `/v1.0/users/${alice}/calendarView/delta?$skiptoken=p2`,
            ]);
            expect(graph.received.every((r) => r.prefer === 'IdType="ImmutableId"')).toBe(true);
        } finally {
            await graph.close();
        }
    });

    it('a delta link Graph no longer knows (410) is "expired"', async () => {
        const graph = await scriptedGraph([{ status: 410, body: graphError('SyncStateNotFound') }]);
        try {
            const link = `https://graph.microsoft.com/v1.0/users/${alice}/calendarView/delta?$deltatoken=old`;
            expect(await graph.feed.delta(alice, { deltaLink: link })).toBe('expired');
            expect(decodeURIComponent(graph.received[0]?.url ?? '')).toBe(
                `/v1.0/users/${alice}/calendarView/delta?$deltatoken=old`,
            );
        } finally {
            await graph.close();
        }
    });
});

describe('GraphDirectory: the watch scope (Graph over HTTPS)', () => {
    it('pages through /users for "*", lists a group\'s user members, and a missing group is null', async () => {
        const graph = await scriptedGraph([
            {
                status: 200,
                body: {
                    value: [{ id: 'u1' }, { id: 'u2' }],
                    '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users?$select=id&$top=999&$skiptoken=x',
                },
            },
            { status: 200, body: { value: [{ id: 'u3' }] } },
            {
                status: 200,
                body: {
                    value: [
                        { '@odata.type': '#microsoft.graph.user', id: 'u1' },
                        { '@odata.type': '#microsoft.graph.group', id: 'g2' },
                    ],
                },
            },
            { status: 404, body: graphError('Request_ResourceNotFound') },
        ]);
        try {
            expect(await graph.directory.listUserIds()).toEqual(['u1', 'u2', 'u3']);
            expect(await graph.directory.listGroupMemberIds('g1')).toEqual(['u1']);
            expect(await graph.directory.listGroupMemberIds('missing')).toBeNull();
            expect(graph.received.map((r) => decodeURIComponent(r.url))).toEqual([
                '/v1.0/users?$select=id&$top=999',
                '/v1.0/users?$select=id&$top=999&$skiptoken=x',
                '/v1.0/groups/g1/members?$select=id&$top=999',
                '/v1.0/groups/missing/members?$select=id&$top=999',
            ]);
        } finally {
            await graph.close();
        }
    });
});
