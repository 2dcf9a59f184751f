import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RegisteredFunction } from '../coreApi';
import type { Invoker } from '../invoke';
import type { HostLogger } from '../log';
import type { RpcHttpData, RpcInvocationResponse, RpcTypedData } from '../rpc';
import { serializeCookie } from './cookies';
import type { RouteTable } from './routeTable';

export interface HttpServerOptions {
    /** Loopback address to listen on (`::1` is added when available, so `localhost` works either way). */
    host: string;
    httpPort: number;
    /** Port of the HTTPS twin; undefined disables it. */
    httpsPort: number | undefined;
    tls: { certPem: string; keyPem: string } | undefined;
    table: RouteTable<RegisteredFunction>;
    invoker: Invoker;
    logger: HostLogger;
    bodyLimit: number;
}

export interface RunningHttp {
    url: string;
    tlsUrl: string | undefined;
    close(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer): void => {
            size += chunk.length;
            if (size > limit) {
                cleanup();
                req.pause();
                reject(new BodyTooLarge());
                return;
            }
            chunks.push(chunk);
        };
        const onEnd = (): void => {
            cleanup();
            resolve(Buffer.concat(chunks));
        };
        const onError = (error: Error): void => {
            cleanup();
            reject(error);
        };
        const cleanup = (): void => {
            req.off('data', onData);
            req.off('end', onEnd);
            req.off('error', onError);
        };
        req.on('data', onData);
        req.on('end', onEnd);
        req.on('error', onError);
    });
}

function typedDataToBuffer(data: RpcTypedData | null | undefined): Buffer {
    if (!data) return Buffer.alloc(0);
    if (data.bytes) return Buffer.from(data.bytes);
    if (data.stream) return Buffer.from(data.stream);
    if (typeof data.string === 'string') return Buffer.from(data.string, 'utf8');
    if (typeof data.json === 'string') return Buffer.from(data.json, 'utf8');
    if (typeof data.int === 'number') return Buffer.from(String(data.int));
    if (typeof data.double === 'number') return Buffer.from(String(data.double));
    return Buffer.alloc(0);
}

/** Finds the HTTP output of an invocation: the `$return` binding or a named `http` output binding. */
function httpOutput(fn: RegisteredFunction, response: RpcInvocationResponse): RpcHttpData | undefined {
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
        if (binding.direction !== 'out' || binding.type?.toLowerCase() !== 'http') continue;
        const data =
            name === '$return' ? response.returnValue : response.outputData?.find((o) => o.name === name)?.data;
        if (data?.http) return data.http;
    }
    return undefined;
}

function triggerBindingName(fn: RegisteredFunction): string {
    const entry = Object.entries(fn.metadata.bindings).find(([, b]) => b.type?.toLowerCase() === 'httptrigger');
    return entry?.[0] ?? 'request';
}

/**
 * Repeated headers joined with `, `, every one of them as Kestrel does (`req.headers` would keep only the first
 * `Authorization` or `Content-Type` and hide a duplicate the real host passes on).
 */
function flattenHeaders(req: http.IncomingMessage): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [key, values] of Object.entries(req.headersDistinct)) {
        if (values !== undefined) headers[key] = values.join(', ');
    }
    return headers;
}

function queryRecord(url: URL): Record<string, string> {
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    return query;
}

function writeResponse(res: http.ServerResponse, method: string, output: RpcHttpData | undefined): number {
    if (!output) {
        res.writeHead(204);
        res.end();
        return 204;
    }
    const status = Number.parseInt(output.statusCode ?? '200', 10) || 200;
    const setCookies: string[] = [];
    for (const [key, value] of Object.entries(output.headers ?? {})) {
        if (key.toLowerCase() === 'set-cookie') setCookies.push(value);
        else res.setHeader(key, value);
    }
    for (const cookie of output.cookies ?? []) setCookies.push(serializeCookie(cookie));
    if (setCookies.length > 0) res.setHeader('set-cookie', setCookies);
    const body = typedDataToBuffer(output.body);
    const bodyAllowed = method !== 'HEAD' && status !== 204 && status !== 304 && !(status >= 100 && status < 200);
    if (bodyAllowed) res.setHeader('content-length', body.length);
    res.writeHead(status);
    res.end(bodyAllowed ? body : undefined);
    return status;
}

function sendStatus(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): number {
    if (!res.headersSent) {
        res.writeHead(status, { 'content-length': '0', ...headers });
    }
    res.end();
    return status;
}

/**
 * How long a refused body is still read (and discarded): Kestrel drains an unread request body for 5 s, not
 * configurable, then closes the connection.
 */
const refusedBodyDrainMs = 5_000;

/**
 * Answers 413 and keeps reading the rest of the body before closing, as Kestrel does. Closing at once while the
 * client is still sending makes the kernel reset the connection, and the client then sees `EPIPE` or `ECONNRESET`
 * instead of the answer. The 413 (no body) goes out at once and complete; the connection closes when the client has
 * sent the whole body, or after {@link refusedBodyDrainMs} when it has not.
 */
function refuseAndDrain(req: http.IncomingMessage, res: http.ServerResponse): number {
    res.writeHead(413, { 'content-length': '0', connection: 'close' });
    res.flushHeaders();
    const giveUp = setTimeout(() => req.socket.destroy(), refusedBodyDrainMs);
    const close = (): void => {
        clearTimeout(giveUp);
        res.end();
    };
    req.once('end', close);
    req.once('error', close);
    req.once('close', () => clearTimeout(giveUp));
    req.resume();
    return 413;
}

async function listen(server: http.Server, port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve();
        });
    });
    return (server.address() as AddressInfo).port;
}

/** Tries to listen on `::1` too (same port); silently skipped where IPv6 loopback is unavailable. */
async function listenIpv6Twin(factory: () => http.Server, port: number): Promise<http.Server | undefined> {
    const server = factory();
    try {
        await listen(server, port, '::1');
        return server;
    } catch {
        server.close();
        return undefined;
    }
}

function closeServer(server: http.Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
    });
}

/** Starts the HTTP listener and its HTTPS twin and dispatches requests to HTTP-triggered functions. */
export async function startHttpServers(options: HttpServerOptions): Promise<RunningHttp> {
    const { logger, invoker, table } = options;

    const handle = async (req: http.IncomingMessage, res: http.ServerResponse, scheme: string, port: number) => {
        const started = Date.now();
        const method = (req.method ?? 'GET').toUpperCase();
        let url: URL;
        try {
            url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? `${options.host}:${port}`}`);
        } catch {
            url = new URL(req.url ?? '/', `${scheme}://${options.host}:${port}`);
        }
        // The one access line of a request (the invoker logs a successful invocation only at debug level).
        const done = (status: number, invocationId?: string): void =>
            logger.info(
                `HTTP ${method} ${url.pathname} ${status} ${Date.now() - started}ms` +
                    (invocationId === undefined ? '' : ` (Id=${invocationId})`),
            );

        const found = table.lookup(method, url.pathname);
        if (found.kind === 'notFound') return done(sendStatus(res, 404));
        if (found.kind === 'methodNotAllowed') return done(sendStatus(res, 405, { allow: found.allow.join(', ') }));

        const declared = Number(req.headers['content-length']);
        let body: Buffer;
        try {
            if (Number.isFinite(declared) && declared > options.bodyLimit) throw new BodyTooLarge();
            body = await readBody(req, options.bodyLimit);
        } catch (error) {
            if (error instanceof BodyTooLarge) return done(refuseAndDrain(req, res));
            return done(sendStatus(res, 400));
        }

        const fn = found.route.target;
        const httpData: RpcHttpData = {
            method,
            url: url.toString(),
            headers: flattenHeaders(req),
            query: queryRecord(url),
            params: found.params,
            body: body.length > 0 ? { bytes: body } : null,
        };
        try {
            const result = await invoker.invoke(
                fn,
                { inputData: [{ name: triggerBindingName(fn), data: { http: httpData } }] },
                'This function was programmatically called via the host APIs.',
                { accessLogged: true },
            );
            done(writeResponse(res, method, httpOutput(fn, result.response)), result.invocationId);
        } catch {
            done(sendStatus(res, 500));
        }
    };

    const listener =
        (scheme: string, port: () => number) =>
        (req: http.IncomingMessage, res: http.ServerResponse): void => {
            handle(req, res, scheme, port()).catch((error: unknown) => {
                logger.error(`HTTP handler failure: ${String(error)}`);
                sendStatus(res, 500);
            });
        };

    const servers: http.Server[] = [];
    let httpPort = 0;
    const makeHttp = (): http.Server => http.createServer(listener('http', () => httpPort));
    const httpServer = makeHttp();
    httpPort = await listen(httpServer, options.httpPort, options.host);
    servers.push(httpServer);
    const httpTwin = await listenIpv6Twin(makeHttp, httpPort);
    if (httpTwin) servers.push(httpTwin);

    let tlsUrl: string | undefined;
    if (options.httpsPort !== undefined && options.tls) {
        let httpsPort = 0;
        const tls = options.tls;
        const makeHttps = (): http.Server =>
            https.createServer(
                { cert: tls.certPem, key: tls.keyPem },
                listener('https', () => httpsPort),
            );
        const httpsServer = makeHttps();
        httpsPort = await listen(httpsServer, options.httpsPort, options.host);
        servers.push(httpsServer);
        const httpsTwin = await listenIpv6Twin(makeHttps, httpsPort);
        if (httpsTwin) servers.push(httpsTwin);
        tlsUrl = `https://localhost:${httpsPort}`;
    }

    return {
        url: `http://${options.host}:${httpPort}`,
        tlsUrl,
        close: async () => {
            await Promise.all(servers.map(closeServer));
        },
    };
}
