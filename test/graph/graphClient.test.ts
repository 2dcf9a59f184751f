import type * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/identity';
import { ensureDevTls } from '../../dev/tls/devCa';
import { retryAfterMs } from '../../src/adapters/graph/deadlineRetryHandler';
import { GraphClient } from '../../src/adapters/graph/graphClient';

/**
 * `hang`: the request is received but never answered (a Graph that does not answer); `stall`: the status line, headers
 * and part of the body are sent, then nothing more.
 */
type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang' | 'stall';

/**
 * A real HTTPS server standing in for Graph (on `localhost`, with the dev CA the tests trust), answering from a script
 * and recording what it received.
 */
async function scriptedGraph(replies: Reply[]) {
    const received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];
    const { certPem, keyPem } = ensureDevTls();
    const server = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
            received.push({ method: req.method, url: req.url, headers: req.headers, body });
            const reply = replies.shift() ?? { status: 500 };
            if (reply === 'hang') return;
            if (reply === 'stall') {
                res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
                res.write('{"id":');
                return;
            }
            res.writeHead(reply.status, { 'request-id': `rid-${received.length}`, ...reply.headers });
            res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const close = () => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
    };
    return { baseUrl: `https://localhost:${port}`, received, close };
}

const credential: TokenCredential = { getToken: () => Promise.resolve({ token: 'app-token', expiresOnTimestamp: 0 }) };

function client(
    baseUrl: string,
    retryDeadlineMs = 10_000,
    options: { credential?: TokenCredential; timeoutMs?: number } = {},
) {
    const slept: number[] = [];
    let nowMs = 0;
    const graph = new GraphClient({
        baseUrl,
        credential: options.credential ?? credential,
        timeoutMs: options.timeoutMs ?? 2_000,
        retryDeadlineMs,
        now: () => nowMs,
        sleep: (ms) => {
            slept.push(ms);
            nowMs += ms;
            return Promise.resolve();
        },
    });
    return { graph, slept };
}

const throttled = (retryAfter: string): Reply => ({
    status: 429,
    headers: { 'Retry-After': retryAfter },
    body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
});

describe('GraphClient (the Graph SDK with the gateway middleware)', () => {
    it('sends the app token, JSON body and client-request-id, and returns Graph request-id', async () => {
        const graph = await scriptedGraph([{ status: 202 }]);
        try {
            const { graph: http } = client(graph.baseUrl);
            const result = await http.send({
                method: 'POST',
                version: 'v1.0',
                path: '/users/a%40b/events/E1/cancel',
                body: { comment: 'x' },
                clientRequestId: 'c-9',
            });
            expect(result).toEqual({ status: 202, body: undefined, requestId: 'rid-1' });
            const [request] = graph.received;
            expect(request?.url).toBe('/v1.0/users/a%40b/events/E1/cancel');
            expect(request?.headers.authorization).toBe('Bearer app-token');
            expect(request?.headers['content-type']).toBe('application/json');
            expect(request?.headers['client-request-id']).toBe('c-9');
            expect(request?.body).toBe('{"comment":"x"}');
        } finally {
            await graph.close();
        }
    });

    it('retries 429 and 503 after their Retry-After, fractional seconds included', async () => {
        const graph = await scriptedGraph([
            throttled('2.128'),
            { status: 503, headers: { 'Retry-After': '1' } },
            { status: 200, body: { id: 'E1' } },
        ]);
        try {
            const { graph: http, slept } = client(graph.baseUrl);
            const result = await http.send({ method: 'GET', version: 'beta', path: '/users/u/events/E1' });
            expect(result.body).toEqual({ id: 'E1' });
            expect(slept).toEqual([2_128, 1_000]);
            expect(graph.received).toHaveLength(3);
        } finally {
            await graph.close();
        }
    });

    it('gives up with 503 and Retry-After when the next attempt would pass the deadline', async () => {
        const graph = await scriptedGraph([throttled('3'), throttled('30')]);
        try {
            const { graph: http, slept } = client(graph.baseUrl, 10_000);
            await expect(
                http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' }),
            ).rejects.toMatchObject({
                status: 503,
                headers: { 'Retry-After': '30' },
            });
            expect(slept).toEqual([3_000]);
        } finally {
            await graph.close();
        }
    });

    it("passes Graph's error code and message through with its request-id", async () => {
        const graph = await scriptedGraph([
            {
                status: 404,
                body: {
                    error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' },
                },
            },
        ]);
        try {
            const { graph: http } = client(graph.baseUrl);
            await expect(
                http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' }),
            ).rejects.toMatchObject({
                status: 404,
                code: 'ErrorItemNotFound',
                message: 'The specified object was not found in the store.',
                outcome: 'rejected',
                graphRequestId: 'rid-1',
            });
        } finally {
            await graph.close();
        }
    });

    it('reports an unreachable Graph as an unknown outcome, not a crash', async () => {
        const { graph: http } = client('https://localhost:9');
        await expect(http.send({ method: 'POST', version: 'v1.0', path: '/x', body: {} })).rejects.toMatchObject({
            status: 504,
            outcome: 'unknown',
        });
    });

    it('makes up a client-request-id when the caller has none, and names the SDK', async () => {
        const graph = await scriptedGraph([{ status: 200, body: { id: 'E1' } }]);
        try {
            const { graph: http } = client(graph.baseUrl);
            await http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' });
            const [request] = graph.received;
            expect(request?.headers['client-request-id']).toMatch(/^[0-9a-f-]{36}$/);
            expect(request?.headers.sdkversion).toMatch(/^graph-js\//);
        } finally {
            await graph.close();
        }
    });

    it('answers 503 without calling Graph when no token can be had', async () => {
        const graph = await scriptedGraph([{ status: 200 }]);
        try {
            const failing: TokenCredential = { getToken: () => Promise.reject(new Error('AADSTS7000215')) };
            const { graph: http } = client(graph.baseUrl, 10_000, { credential: failing });
            await expect(
                http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' }),
            ).rejects.toMatchObject({
                status: 503,
                message: 'Could not get a token for Microsoft Graph: AADSTS7000215',
            });
            expect(graph.received).toEqual([]);
        } finally {
            await graph.close();
        }
    });

    it('gives up on an attempt Graph does not answer within the timeout: 504, outcome unknown', async () => {
        const graph = await scriptedGraph(['hang']);
        try {
            const { graph: http } = client(graph.baseUrl, 10_000, { timeoutMs: 300 });
            await expect(
                http.send({ method: 'POST', version: 'v1.0', path: '/users/u/events/E1/cancel', body: {} }),
            ).rejects.toMatchObject({ status: 504, outcome: 'unknown', headers: { 'Retry-After': '5' } });
            expect(graph.received).toHaveLength(1);
        } finally {
            await graph.close();
        }
    });

    it('gives up when Graph stops in the middle of its answer: 504, outcome unknown', async () => {
        const graph = await scriptedGraph(['stall']);
        try {
            const { graph: http } = client(graph.baseUrl, 10_000, { timeoutMs: 300 });
            await expect(
                http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' }),
            ).rejects.toMatchObject({ status: 504, outcome: 'unknown' });
        } finally {
            await graph.close();
        }
    });

    it('does not follow a redirect, so the token never reaches another host: 504, outcome unknown', async () => {
        const elsewhere = await scriptedGraph([{ status: 200, body: { id: 'E1' } }]);
        const graph = await scriptedGraph([{ status: 302, headers: { Location: `${elsewhere.baseUrl}/v1.0/x` } }]);
        try {
            const { graph: http } = client(graph.baseUrl);
            await expect(
                http.send({ method: 'GET', version: 'v1.0', path: '/users/u/events/E1' }),
            ).rejects.toMatchObject({ status: 504, outcome: 'unknown' });
            expect(graph.received).toHaveLength(1);
            expect(elsewhere.received).toEqual([]);
        } finally {
            await graph.close();
            await elsewhere.close();
        }
    });

    it("takes Graph's 204 (no body) and keeps its request-id", async () => {
        const graph = await scriptedGraph([{ status: 204 }]);
        try {
            const { graph: http } = client(graph.baseUrl);
            const result = await http.send({
                method: 'POST',
                version: 'v1.0',
                path: '/solutions/bookingBusinesses/b/appointments/A1/cancel',
                body: { cancellationMessage: 'Closed' },
            });
            expect(result).toEqual({ status: 204, body: undefined, requestId: 'rid-1' });
        } finally {
            await graph.close();
        }
    });

    it('reads Retry-After as seconds or as an HTTP date', () => {
        expect(retryAfterMs('5', 0)).toBe(5_000);
        expect(retryAfterMs('0.5', 0)).toBe(500);
        expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
        expect(retryAfterMs('soon', 0)).toBeUndefined();
        expect(retryAfterMs(null, 0)).toBeUndefined();
    });
});
