import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ensureDevTls } from '../../dev/tls/devCa';
import {
    GuardedWebhookSender,
    type GuardedWebhookSenderOptions,
    parseRetryAfter,
    webhookUserAgent,
} from '../../src/adapters/webhooks/guardedWebhookSender';
import type { ResolvedAddress, Resolver } from '../../src/adapters/webhooks/targetRules';
import { WebhookTargetRefused, WebhookTransportError } from '../../src/domain/webhooks/sender';
import { webhookHeaders } from '../../src/domain/webhooks/signature';
import { newSigningSecret } from '../../src/domain/webhooks/signingSecret';

interface Received {
    readonly method: string | undefined;
    readonly url: string | undefined;
    readonly headers: http.IncomingHttpHeaders;
    readonly body: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

interface TestServer {
    readonly port: number;
    readonly url: string;
    readonly received: Received[];
    /** TCP connections accepted, whether or not a request followed. */
    connections: number;
    close(): Promise<void>;
}

const servers: TestServer[] = [];

async function listen(server: http.Server, handler: Handler, scheme: 'http' | 'https'): Promise<TestServer> {
    const received: Received[] = [];
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
            received.push({
                method: req.method,
                url: req.url,
                headers: req.headers,
                body: Buffer.concat(chunks).toString('utf8'),
            });
            handler(req, res);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const test: TestServer = {
        port,
        url: `${scheme}://127.0.0.1:${port}`,
        received,
        connections: 0,
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
    server.on('connection', () => {
        test.connections += 1;
    });
    servers.push(test);
    return test;
}

const startServer = (handler: Handler): Promise<TestServer> => listen(http.createServer(), handler, 'http');

afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
});

const secret = newSigningSecret(randomBytes, new Date()).secret;
const body = JSON.stringify({ type: 'event.cancelled', timestamp: '2026-11-22T10:00:00Z', data: { id: 'AAMk=' } });

function signed(url: string, id = 'msg_sender_1'): { url: string; body: string; headers: Record<string, string> } {
    const headers = webhookHeaders({ id, timestampSeconds: Math.floor(Date.now() / 1000), body, secrets: [secret] });
    return { url, body, headers };
}

function sender(options: Partial<GuardedWebhookSenderOptions> = {}): GuardedWebhookSender {
    return new GuardedWebhookSender({ allowLoopback: true, timeoutMs: 2_000, maxResponseBytes: 64 * 1024, ...options });
}

/** Answers from a table and records what was asked; never real DNS. */
function stubResolver(answers: Record<string, readonly string[] | (() => readonly string[])>): Resolver & {
    asked: string[];
} {
    const asked: string[] = [];
    const resolve = (hostname: string): Promise<readonly ResolvedAddress[]> => {
        asked.push(hostname);
        const answer = answers[hostname];
        if (answer === undefined) {
            return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
        }
        const addresses = typeof answer === 'function' ? answer() : answer;
        return Promise.resolve(addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    };
    return Object.assign(resolve, { asked });
}

async function caught(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
        () => undefined,
        (e: unknown) => e,
    );
    if (!(error instanceof Error)) throw new Error('expected a rejection');
    return error;
}

describe('GuardedWebhookSender', () => {
    it('delivers the exact body and the signed headers, and returns the 2xx', async () => {
        const server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
        const request = signed(`${server.url}/hooks/in?tenant=t1`);
        const response = await sender().send({
            ...request,
            // Headers the sender owns are not the caller's to set.
            headers: { ...request.headers, Host: 'evil.example', 'User-Agent': 'spoof', 'Content-Length': '1' },
        });

        expect(response).toEqual({ status: 200, bodyExcerpt: 'ok', durationMs: expect.any(Number) });
        expect(response.retryAfterMs).toBeUndefined();
        expect(server.received).toHaveLength(1);
        const [got] = server.received;
        expect(got?.method).toBe('POST');
        expect(got?.url).toBe('/hooks/in?tenant=t1');
        expect(got?.body).toBe(body);
        expect(got?.headers).toMatchObject({
            host: `127.0.0.1:${server.port}`,
            'user-agent': webhookUserAgent,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'webhook-id': 'msg_sender_1',
            'webhook-timestamp': request.headers['webhook-timestamp'],
            'webhook-signature': request.headers['webhook-signature'],
        });
        expect(webhookUserAgent).toBe('CancelGateway-Webhooks/1');
        // What arrived verifies with the reference library.
        expect(new Webhook(secret).verify(got?.body ?? '', got?.headers as Record<string, string>)).toEqual(
            JSON.parse(body),
        );
    });

    it('uses the configured User-Agent', async () => {
        const server = await startServer((_req, res) => res.writeHead(204).end());
        const response = await sender({ userAgent: 'Custom/2' }).send(signed(server.url));
        expect(response.status).toBe(204);
        expect(server.received[0]?.headers['user-agent']).toBe('Custom/2');
    });

    it.each([301, 302, 307, 308])('returns a %i as is and never follows it', async (status) => {
        const elsewhere = await startServer((_req, res) => res.writeHead(200).end('followed'));
        const server = await startServer((_req, res) =>
            res.writeHead(status, { location: `${elsewhere.url}/stolen` }).end('moved'),
        );
        const response = await sender().send(signed(server.url));
        expect(response).toMatchObject({ status, bodyExcerpt: 'moved' });
        expect(elsewhere.connections).toBe(0);
        expect(elsewhere.received).toHaveLength(0);
    });

    it('returns a redirect to the metadata address without going there', async () => {
        const server = await startServer((_req, res) =>
            res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
        );
        await expect(sender().send(signed(server.url))).resolves.toMatchObject({ status: 302 });
    });

    it('parses Retry-After seconds on 429', async () => {
        const server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down'));
        await expect(sender().send(signed(server.url))).resolves.toMatchObject({
            status: 429,
            retryAfterMs: 7000,
            bodyExcerpt: 'slow down',
        });
    });

    it('parses Retry-After as an HTTP date on 503', async () => {
        const now = Date.parse('2026-11-22T10:00:00Z');
        const server = await startServer((_req, res) =>
            res.writeHead(503, { 'retry-after': 'Sun, 22 Nov 2026 10:02:00 GMT' }).end(),
        );
        await expect(sender({ now: () => now }).send(signed(server.url))).resolves.toMatchObject({
            status: 503,
            retryAfterMs: 120_000,
        });
    });

    it('times out on a server that never answers', async () => {
        const server = await startServer(() => {
            /* holds the request open */
        });
        const error = await caught(sender({ timeoutMs: 300 }).send(signed(server.url)));
        expect(error).toBeInstanceOf(WebhookTransportError);
        // The message names the timeout that fired: the 300 ms given, not a default.
        expect(error.message).toMatch(/no response within 300 ms/);
        expect(server.received).toHaveLength(1);
    });

    it('keeps the status when the body stalls past the timeout', async () => {
        const server = await startServer((_req, res) => {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.write('partial');
        });
        // The body never ends: only the timeout can settle the send.
        const response = await sender({ timeoutMs: 300 }).send(signed(server.url));
        expect(response).toMatchObject({ status: 200, bodyExcerpt: 'partial' });
    });

    it('stops reading a huge body at the cap and returns promptly', async () => {
        const total = 10 * 1024 * 1024;
        let written = 0;
        let serverSawClose!: () => void;
        const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
        const server = await startServer((_req, res) => {
            res.on('error', () => undefined);
            res.on('close', () => serverSawClose());
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(total) });
            const chunk = Buffer.alloc(64 * 1024, 'x');
            const pump = (): void => {
                while (written < total && !res.destroyed) {
                    written += chunk.length;
                    if (!res.write(chunk)) {
                        res.once('drain', pump);
                        return;
                    }
                }
                if (written >= total) res.end();
            };
            pump();
        });
        // A timeout longer than the test's own: the send can only settle by stopping at the cap.
        const response = await sender({ maxResponseBytes: 64 * 1024, timeoutMs: 3_600_000 }).send(signed(server.url));
        expect(response.status).toBe(200);
        expect(response.bodyExcerpt).toBe('x'.repeat(512));
        await closed;
        // The connection was dropped long before the server could write it all.
        expect(written).toBeLessThan(total);
    });

    it('keeps at most 512 characters of a multi-byte body without a broken character', async () => {
        const server = await startServer((_req, res) => res.writeHead(500).end('é'.repeat(2000)));
        // 2 bytes a character: 512 of them, whole.
        await expect(sender().send(signed(server.url))).resolves.toMatchObject({
            status: 500,
            bodyExcerpt: 'é'.repeat(512),
        });
        // A cap in the middle of a character drops the half.
        await expect(sender({ maxResponseBytes: 201 }).send(signed(server.url))).resolves.toMatchObject({
            status: 500,
            bodyExcerpt: 'é'.repeat(100),
        });
    });

    it('reads no body when the cap is 0', async () => {
        const server = await startServer((_req, res) => res.writeHead(500).end('details'));
        await expect(sender({ maxResponseBytes: 0 }).send(signed(server.url))).resolves.toMatchObject({
            status: 500,
            bodyExcerpt: '',
        });
    });

    it('a refused connection is a transport error', async () => {
        const server = await startServer(() => undefined);
        const url = server.url;
        await server.close();
        const error = await caught(sender().send(signed(url)));
        expect(error).toBeInstanceOf(WebhookTransportError);
        expect(error.message).toContain('ECONNREFUSED');
    });

    it('a reset before any answer is a transport error', async () => {
        const server = await startServer((req) => req.socket.destroy());
        await expect(sender().send(signed(server.url))).rejects.toThrow(WebhookTransportError);
    });

    it('without allowLoopback the loopback server is refused and never contacted', async () => {
        const server = await startServer((_req, res) => res.writeHead(200).end());
        const strict = sender({ allowLoopback: false });
        for (const url of [server.url, `https://127.0.0.1:${server.port}/`, 'https://127.0.0.1/', 'https://[::1]/']) {
            await expect(strict.send(signed(url))).rejects.toThrow(WebhookTargetRefused);
        }
        // Even through a name: localhost resolves (RFC 6761, without DNS) to loopback and is refused at connect.
        await expect(strict.send(signed('https://localhost/'))).rejects.toThrow(
            /localhost resolves to a non-public address/,
        );
        expect(server.connections).toBe(0);
        expect(server.received).toHaveLength(0);
    });

    it.each([
        'https://10.0.0.1/hook',
        'https://169.254.169.254/latest/meta-data',
        'https://[::ffff:127.0.0.1]/',
        'https://0x7f000001/',
        'https://2130706433/',
        'https://user:pw@hooks.example.com/',
        'https://hooks.example.com:8443/',
        'http://hooks.example.com/',
    ])('refuses %s before any connection (strict)', async (url) => {
        const resolve = stubResolver({});
        await expect(sender({ allowLoopback: false, resolve }).send(signed(url))).rejects.toThrow(WebhookTargetRefused);
        expect(resolve.asked).toEqual([]);
    });

    it('allowLoopback never opens the private or metadata ranges', async () => {
        for (const url of ['http://10.0.0.1:8080/', 'http://169.254.169.254/', 'https://168.63.129.16/']) {
            await expect(sender({ allowLoopback: true }).send(signed(url))).rejects.toThrow(WebhookTargetRefused);
        }
    });

    describe('connect-time resolution (stub resolver, no real DNS)', () => {
        it('dials the name through the checked lookup', async () => {
            const server = await startServer((_req, res) => res.writeHead(202).end());
            const resolve = stubResolver({ 'receiver.test': ['127.0.0.1'] });
            const response = await sender({ resolve }).send(signed(`http://receiver.test:${server.port}/in`));
            expect(response.status).toBe(202);
            expect(resolve.asked).toEqual(['receiver.test']);
            expect(server.received[0]?.headers.host).toBe(`receiver.test:${server.port}`);
        });

        it('refuses a public name that resolves to a private address, at connect', async () => {
            const resolve = stubResolver({ 'hooks.example.com': ['10.0.0.5'] });
            const error = await caught(
                sender({ allowLoopback: false, resolve }).send(signed('https://hooks.example.com/in')),
            );
            expect(error).toBeInstanceOf(WebhookTargetRefused);
            // Which address a name points at is not shown: the delivery's error is read by the subscription's owner.
            expect(error.message).toContain('hooks.example.com resolves to a non-public address');
            expect(error.message).not.toContain('10.0.0.5');
            // The refusal came from the connection's own lookup, which is what runs before any dial.
            expect(resolve.asked).toEqual(['hooks.example.com']);
        });

        it('refuses when any one address is forbidden and dials none of them', async () => {
            const server = await startServer((_req, res) => res.writeHead(200).end());
            const resolve = stubResolver({ 'mixed.test': ['127.0.0.1', '10.0.0.5'] });
            const error = await caught(sender({ resolve }).send(signed(`http://mixed.test:${server.port}/`)));
            expect(error).toBeInstanceOf(WebhookTargetRefused);
            // The allowed loopback address was not tried either.
            expect(server.connections).toBe(0);
        });

        it('DNS rebinding: a name that passed registration but now answers privately is refused', async () => {
            const server = await startServer((_req, res) => res.writeHead(200).end());
            let answers = ['127.0.0.1'];
            const resolve = stubResolver({ 'rebind.test': () => answers });
            const url = `http://rebind.test:${server.port}/`;
            const guarded = sender({ resolve });
            await expect(guarded.send(signed(url))).resolves.toMatchObject({ status: 200 });
            answers = ['169.254.169.254'];
            await expect(guarded.send(signed(url))).rejects.toThrow(/rebind\.test resolves to a non-public address/);
            answers = ['::ffff:10.0.0.5'];
            await expect(guarded.send(signed(url))).rejects.toThrow(WebhookTargetRefused);
            expect(server.connections).toBe(1);
            expect(resolve.asked).toEqual(['rebind.test', 'rebind.test', 'rebind.test']);
        });

        it('an unknown name is refused; a resolver failure is a transport error', async () => {
            await expect(
                sender({ allowLoopback: false, resolve: stubResolver({}) }).send(signed('https://nowhere.test/')),
            ).rejects.toThrow(WebhookTargetRefused);
            const broken: Resolver = () =>
                Promise.reject(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }));
            await expect(
                sender({ allowLoopback: false, resolve: broken }).send(signed('https://hooks.example.com/')),
            ).rejects.toThrow(WebhookTransportError);
        });

        it('a resolver that never answers is bounded by the timeout', async () => {
            const hanging: Resolver = () => new Promise(() => undefined);
            await expect(
                sender({ allowLoopback: false, resolve: hanging, timeoutMs: 200 }).send(signed('https://slow.test/')),
            ).rejects.toThrow(WebhookTransportError);
        });
    });

    describe('https', () => {
        const tls = ensureDevTls();
        const startTlsServer = (handler: Handler): Promise<TestServer> =>
            listen(https.createServer({ cert: tls.certPem, key: tls.keyPem }), handler, 'https');

        it('delivers over TLS when the certificate is trusted', async () => {
            const server = await startTlsServer((_req, res) => res.writeHead(200).end('secure'));
            await expect(sender({ ca: tls.caPem }).send(signed(`${server.url}/in`))).resolves.toMatchObject({
                status: 200,
                bodyExcerpt: 'secure',
            });
        });

        it('a certificate for another name is a transport error', async () => {
            const server = await startTlsServer((_req, res) => res.writeHead(200).end());
            const resolve = stubResolver({ 'receiver.test': ['127.0.0.1'] });
            const error = await caught(
                sender({ ca: tls.caPem, resolve }).send(signed(`https://receiver.test:${server.port}/`)),
            );
            expect(error).toBeInstanceOf(WebhookTransportError);
            expect(error.message).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID/);
            expect(server.received).toHaveLength(0);
        });
    });

    it('rejects nonsense options', () => {
        expect(() => sender({ timeoutMs: 0 })).toThrow(RangeError);
        expect(() => sender({ maxResponseBytes: -1 })).toThrow(RangeError);
    });
});

describe('parseRetryAfter', () => {
    const now = Date.parse('2026-11-22T10:00:00Z');
    it.each([
        [undefined, undefined],
        ['0', 0],
        ['7', 7000],
        [' 120 ', 120_000],
        ['Sun, 22 Nov 2026 10:00:30 GMT', 30_000],
        ['Sunday, 22-Nov-26 10:00:30 GMT', 30_000],
        ['Sun Nov 22 10:00:30 2026', 30_000],
        ['Sat, 21 Nov 2026 10:00:00 GMT', 0],
        ['-5', undefined],
        ['7.5', undefined],
        ['soon', undefined],
        ['', undefined],
        ['99999999999999999999', undefined],
    ])('%j → %j', (value, expected) => {
        expect(parseRetryAfter(value, now)).toBe(expected);
    });
});
