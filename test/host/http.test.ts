import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type HostProcess, startHostProcess } from './support/hostProcess';

interface RouteReply {
    kind: string;
    params: Record<string, string>;
}

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
    const response = await fetch(url);
    return { status: response.status, body: (await response.json()) as T };
}

/** Sends a chunked body (no Content-Length) and returns the status. */
function postChunked(url: string, chunks: Buffer[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
    });
}

interface RefusedUpload {
    /** The status line of the answer. */
    status: string;
    /** Body bytes the client had sent when the host closed its side (undefined: the host had not closed). */
    sentWhenHostClosed: number | undefined;
    /** An error the client met while sending (EPIPE, ECONNRESET), if any. */
    error: string | undefined;
}

/**
 * Over a raw socket: sends the head of a POST declaring a body of `bodyBytes` (by Content-Length, or chunked with a
 * first chunk of `firstChunkBytes`), reads the host's answer, and only then sends the rest of the body, as a slow
 * client would. Resolves when the host closes the connection.
 */
function uploadAfterTheAnswer(
    url: string,
    options: { bodyBytes: number; chunked?: { firstChunkBytes: number }; sendRest?: boolean },
): Promise<RefusedUpload> {
    const { hostname, port } = new URL(url);
    const chunkBytes = 64 * 1024;
    const frame = (data: Buffer): Buffer =>
        options.chunked
            ? Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
            : data;
    return new Promise((resolve, reject) => {
        const socket = net.connect(Number(port), hostname);
        const framing = options.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${options.bodyBytes}`;
        let sent = 0;
        let received = '';
        let status: string | undefined;
        let sentWhenHostClosed: number | undefined;
        let error: string | undefined;
        const sendRest = async (): Promise<void> => {
            while (sent < options.bodyBytes && !socket.destroyed) {
                const size = Math.min(chunkBytes, options.bodyBytes - sent);
                const written = await new Promise<Error | null | undefined>((done) =>
                    socket.write(frame(Buffer.alloc(size, 0x78)), done),
                );
                if (written) return;
                sent += size;
            }
            if (options.chunked && !socket.destroyed) socket.write('0\r\n\r\n');
        };
        socket.on('data', (chunk: Buffer) => {
            received += chunk.toString('latin1');
            if (status !== undefined || !received.includes('\r\n\r\n')) return;
            status = received.slice(0, received.indexOf('\r\n'));
            if (options.sendRest !== false) sendRest().catch(reject);
        });
        socket.on('end', () => {
            sentWhenHostClosed = sent;
            socket.end();
        });
        socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
        socket.on('close', () => resolve({ status: status ?? '(no answer)', sentWhenHostClosed, error }));
        socket.write(`POST /api/echo HTTP/1.1\r\nHost: ${hostname}:${port}\r\n${framing}\r\n\r\n`);
        if (options.chunked) {
            const first = options.chunked.firstChunkBytes;
            socket.write(frame(Buffer.alloc(first, 0x78)));
            sent = first;
        }
    });
}

describe('local host: HTTP triggers (http-app fixture)', () => {
    let host: HostProcess;
    let api: string;

    beforeAll(async () => {
        host = await startHostProcess('http-app', { env: { OVERRIDDEN_BY_ENV: 'from-env' } });
        api = `${host.url}/api`;
    });

    afterAll(async () => {
        await host?.stop();
    });

    it('lists the registered functions with their URLs at start-up', () => {
        expect(host.lines.some((l) => l.includes(`hello: [GET] ${host.url}/api/hello`))).toBe(true);
        expect(host.lines.some((l) => l.includes(`itemsInt: [GET] ${host.url}/api/items/{id:int}`))).toBe(true);
    });

    it('serves a function without route under routePrefix "api" + its name, case-insensitively', async () => {
        const plain = await fetch(`${api}/hello?name=ann`);
        expect(plain.status).toBe(200);
        expect(await plain.text()).toBe('hello ann');
        const shouted = await fetch(`${host.url}/API/HELLO/?name=bob`);
        expect(shouted.status).toBe(200);
        expect(await shouted.text()).toBe('hello bob');
        expect((await fetch(`${host.url}/hello`)).status).toBe(404);
    });

    it('does not enforce authLevel locally (like func start)', async () => {
        expect((await fetch(`${api}/hello`)).status).toBe(200);
    });

    it('binds route parameters and applies constraints', async () => {
        expect(await getJson<RouteReply>(`${api}/items/42`)).toEqual({
            status: 200,
            body: { kind: 'int', params: { id: '42' } },
        });
        const guid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
        expect((await getJson<RouteReply>(`${api}/things/${guid}`)).body).toEqual({
            kind: 'guid',
            params: { id: guid },
        });
        expect((await getJson<RouteReply>(`${api}/things/abc`)).body).toEqual({ kind: 'alpha', params: { id: 'abc' } });
        expect((await fetch(`${api}/things/abc1`)).status).toBe(404);
        expect((await getJson<RouteReply>(`${api}/ranged/10`)).body.kind).toBe('range');
        expect((await fetch(`${api}/ranged/11`)).status).toBe(404);
        expect((await fetch(`${api}/ranged/x`)).status).toBe(404);
        expect((await getJson<RouteReply>(`${api}/users/U1/events/E%201`)).body).toEqual({
            kind: 'users',
            params: { userId: 'U1', eventId: 'E 1' },
        });
    });

    it('supports optional parameters', async () => {
        expect((await getJson<RouteReply>(`${api}/opt`)).body).toEqual({ kind: 'optional', params: {} });
        expect((await getJson<RouteReply>(`${api}/opt/x`)).body).toEqual({ kind: 'optional', params: { a: 'x' } });
        expect((await fetch(`${api}/opt/x/y`)).status).toBe(404);
    });

    it('orders routes like ASP.NET: literal, then constrained, then plain parameter, catch-all last', async () => {
        expect((await getJson<RouteReply>(`${api}/items/special`)).body.kind).toBe('literal');
        expect((await getJson<RouteReply>(`${api}/items/SPECIAL`)).body.kind).toBe('literal');
        expect((await getJson<RouteReply>(`${api}/items/7`)).body.kind).toBe('int');
        expect((await getJson<RouteReply>(`${api}/items/seven`)).body.kind).toBe('param');
        expect((await getJson<RouteReply>(`${api}/items/a/b/c`)).body).toEqual({
            kind: 'catchall',
            params: { rest: 'a/b/c' },
        });
        expect((await getJson<RouteReply>(`${api}/items`)).body).toEqual({ kind: 'catchall', params: {} });
    });

    it('answers 405 with Allow when the route matches but the method does not, 404 when nothing matches', async () => {
        const wrong = await fetch(`${api}/resource/1`);
        expect(wrong.status).toBe(405);
        expect(wrong.headers.get('allow')).toBe('DELETE, PATCH');
        expect((await fetch(`${api}/RESOURCE/1`)).status).toBe(405);
        expect((await fetch(`${api}/resource/1`, { method: 'DELETE' })).status).toBe(200);
        const post = await fetch(`${api}/hello`, { method: 'POST' });
        expect(post.status).toBe(405);
        expect(post.headers.get('allow')).toBe('GET');
        expect((await fetch(`${api}/nope`)).status).toBe(404);
        expect((await fetch(`${host.url}/other/hello`)).status).toBe(404);
    }, 15_000);

    it('passes the request body and answers 413 over FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (1024 in the fixture)', async () => {
        const ok = await fetch(`${api}/echo`, {
            method: 'POST',
            body: 'x'.repeat(1024),
            headers: { 'content-type': 'text/plain' },
        });
        expect(ok.status).toBe(200);
        expect(await ok.json()).toEqual({
            method: 'POST',
            length: 1024,
            text: 'x'.repeat(1024),
            contentType: 'text/plain',
        });
        const tooBig = await fetch(`${api}/echo`, { method: 'POST', body: 'x'.repeat(1025) });
        expect(tooBig.status).toBe(413);
        expect(await postChunked(`${api}/echo`, [Buffer.alloc(600, 1), Buffer.alloc(600, 2)])).toBe(413);
        expect(await postChunked(`${api}/echo`, [Buffer.alloc(300, 1), Buffer.alloc(300, 2)])).toBe(200);
        await host.waitFor(
            () => host.lines.some((l) => /HTTP POST \/api\/echo 413 \d+ms/.test(l)),
            5_000,
            'the 413 log',
        );
    });

    // As Kestrel does: the 413 goes out at once, the rest of the body is read and discarded, and the connection closes
    // only then, so a client still sending gets the answer instead of EPIPE or a reset.
    it('answers 413 to a declared body over the limit, reads the rest of it, and closes only then', async () => {
        const fourMiB = 4 * 1024 * 1024;
        expect(await uploadAfterTheAnswer(api, { bodyBytes: fourMiB })).toEqual({
            status: 'HTTP/1.1 413 Payload Too Large',
            sentWhenHostClosed: fourMiB,
            error: undefined,
        });
    });

    it('answers 413 to a chunked body once it passes the limit, reads the rest of it, and closes only then', async () => {
        const fourMiB = 4 * 1024 * 1024;
        expect(await uploadAfterTheAnswer(api, { bodyBytes: fourMiB, chunked: { firstChunkBytes: 2048 } })).toEqual({
            status: 'HTTP/1.1 413 Payload Too Large',
            sentWhenHostClosed: fourMiB,
            error: undefined,
        });
    });

    it('closes the connection of a client that never sends the body it declared over the limit', async () => {
        const refused = await uploadAfterTheAnswer(api, { bodyBytes: 4 * 1024 * 1024, sendRest: false });
        expect(refused.status).toBe('HTTP/1.1 413 Payload Too Large');
        expect(refused.sentWhenHostClosed ?? refused.error).toBeDefined();
    });

    it('serves the HTTPS twin with the development CA (NODE_EXTRA_CA_CERTS=.dev/ca.pem)', async () => {
        const response = await fetch(`${host.tlsUrl}/api/hello?name=tls`);
        expect(response.status).toBe(200);
        expect(await response.text()).toBe('hello tls');
    });

    it('turns a thrown error into 500, as the host does', async () => {
        const response = await fetch(`${api}/fail`);
        expect(response.status).toBe(500);
        expect(await response.text()).toBe('');
        // The host logs the failed execution as the response goes out: the line may arrive a moment later.
        await host.waitFor(
            () => host.lines.some((l) => l.includes("Executed 'Functions.fail' (Failed")),
            5_000,
            'the failure log',
        );
    });

    it('keeps status, headers, several cookies and JSON or binary bodies', async () => {
        const response = await fetch(`${api}/cookies`);
        expect(response.status).toBe(201);
        expect(response.headers.get('x-custom')).toBe('yes');
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2; path=/; httponly']);
        expect(await response.json()).toEqual({ ok: true });
        const bytes = await fetch(`${api}/bytes`);
        expect(Buffer.from(await bytes.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 255]));
    });

    it('resolves %SETTING% in routes; environment variables win over settings Values', async () => {
        expect(await getJson(`${api}/configured/x`)).toEqual({
            status: 200,
            body: { env: 'from-env', fromFile: 'configured' },
        });
    });

    it('prints context.log / warn / error with the function name and invocation id, one line per request', async () => {
        const { body } = await getJson<{ invocationId: string }>(`${api}/logs`);
        // stdout and stderr are buffered and flushed apart: wait for every line rather than for the access line alone.
        const expected = [
            'HTTP GET /api/logs 200',
            ...['info-marker', 'warn-marker', 'error-marker'].map(
                (marker) => `logs (Id=${body.invocationId}): ${marker}`,
            ),
        ];
        await host.waitFor(
            () => expected.every((text) => host.lines.some((l) => l.includes(text))),
            30_000,
            'request log and function log lines',
        );
        expect(expected.filter((text) => !host.lines.some((l) => l.includes(text)))).toEqual([]);
    });

    it('runs appStart, preInvocation and postInvocation hooks', async () => {
        expect((await getJson(`${api}/hooks`)).body).toEqual({ appStart: 'ran', pre: 'hooks' });
    });

    it('stops on SIGTERM with exit code 0', async () => {
        expect(await host.stop()).toBe(0);
        expect(host.lines.some((l) => l.includes('Host stopped.'))).toBe(true);
    });
});

describe('local host: routePrefix from host.json', () => {
    it('uses a custom prefix', async () => {
        const host = await startHostProcess('prefix-app');
        try {
            expect((await fetch(`${host.url}/gateway/v2/ping`)).status).toBe(200);
            expect((await fetch(`${host.url}/GATEWAY/V2/PING`)).status).toBe(200);
            expect((await fetch(`${host.url}/api/ping`)).status).toBe(404);
            expect((await fetch(`${host.url}/ping`)).status).toBe(404);
        } finally {
            await host.stop();
        }
    });

    it('allows an empty prefix', async () => {
        const host = await startHostProcess('noprefix-app');
        try {
            const response = await fetch(`${host.url}/ping`);
            expect(response.status).toBe(200);
            expect(await response.text()).toBe('pong');
            expect((await fetch(`${host.url}/api/ping`)).status).toBe(404);
        } finally {
            await host.stop();
        }
    });
});

describe('local host: configuration errors', () => {
    it('exits non-zero with a clear message on a bad host.json', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'host-bad-'));
        try {
            fs.writeFileSync(path.join(dir, 'host.json'), '{ "version": "2.0", ');
            fs.writeFileSync(path.join(dir, 'package.json'), '{"main":"index.js"}');
            const host = await startHostProcess(dir, { expectFailure: true });
            expect(host.child.exitCode).toBe(1);
            expect(host.lines.join('\n')).toMatch(/host\.json is not valid JSON/);

            fs.writeFileSync(path.join(dir, 'host.json'), '{ "version": "1.0" }');
            const again = await startHostProcess(dir, { expectFailure: true });
            expect(again.child.exitCode).toBe(1);
            expect(again.lines.join('\n')).toMatch(/host\.json is invalid: version/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
