import * as http from 'node:http';
import * as https from 'node:https';
import { type AddressInfo } from 'node:net';
import { TLSSocket } from 'node:tls';
import { ensureDevTls } from '../tls/devCa';
import { handleAdmin, tenantFromBody } from './admin';
import { errorEnvelope, GraphError } from './errors';
import { type DemoOptions } from './demoTenant';
import { type Fixture } from './fixture';
import { errorResponse, handleGraph } from './graph';
import { type EmuRequest, type EmuResponse, parseTarget, pathSegments } from './http';
import { newGuid } from './ids';
import { identityNotFound, instanceDiscovery, jwks, openIdConfiguration, resolveTenant, unknownTenant } from './oidc';
import { EmulatorState } from './state';
import { type Clock } from './time';
import { tokenEndpoint } from './tokenEndpoint';

/** Largest request body accepted (413 beyond). */
export const maxBodyBytes = 4 * 1024 * 1024;
/** Past this the connection is cut instead of draining the rest of the body. */
const hardBodyLimit = 64 * 1024 * 1024;

export interface GraphEmulatorOptions {
    /** HTTP port; 0 = ephemeral (default 7072). */
    port?: number;
    /** HTTPS (TLS twin) port; 0 = ephemeral (default 7444). */
    tlsPort?: number;
    /** Interface for the HTTP listener (default 127.0.0.1); the TLS twin listens on localhost. */
    host?: string;
    /** Seed; default the demo tenant. */
    fixture?: Fixture;
    /** The demo tenant's options when there is no fixture (e.g. the departing user). */
    demo?: DemoOptions;
    /** Base clock of the sending limit (default the system clock). */
    clock?: Clock;
}

export interface RunningGraphEmulator {
    /** e.g. `http://127.0.0.1:7072` */
    url: string;
    /** e.g. `https://localhost:7444` */
    tlsUrl: string;
    close(): Promise<void>;
}

const identitySegments = new Set(['v2.0', '.well-known', 'discovery', 'oauth2']);

async function readBody(req: http.IncomingMessage): Promise<Buffer | 'too-large'> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > hardBodyLimit) {
            req.destroy();
            return 'too-large';
        }
        if (size <= maxBodyBytes) chunks.push(buffer);
    }
    return size > maxBodyBytes ? 'too-large' : Buffer.concat(chunks);
}

function headerRecord(req: http.IncomingMessage): Record<string, string | undefined> {
    const out: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(req.headers)) {
        out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
}

/** Every request that is not a read may change events: the notifier looks for changes after it (feed/). */
async function dispatch(state: EmulatorState, req: EmuRequest): Promise<EmuResponse> {
    const response = await route(state, req);
    if (req.method !== 'GET' && req.method !== 'HEAD') state.notifier.afterRequest(state.tenant);
    return response;
}

async function route(state: EmulatorState, req: EmuRequest): Promise<EmuResponse> {
    const segs = pathSegments(req.path);
    const first = segs[0]?.toLowerCase();
    if (first === '_emulator') return handleAdmin(state, req);
    const second = segs[1]?.toLowerCase();
    if (
        first !== undefined &&
        second !== undefined &&
        identitySegments.has(second) &&
        first !== 'v1.0' &&
        first !== 'beta'
    ) {
        return identity(state, req, segs);
    }
    return handleGraph(state, req);
}

function identity(state: EmulatorState, req: EmuRequest, segs: string[]): EmuResponse {
    const lower = segs.map((s) => s.toLowerCase()).join('/');
    const tenantSegment = segs[0] ?? '';
    if (lower === 'common/discovery/instance' || lower === 'organizations/discovery/instance') {
        return instanceDiscovery(state, req.query);
    }
    const tenantId = resolveTenant(state, tenantSegment);
    const rest = lower.slice(tenantSegment.length + 1);
    const known = [
        'v2.0/.well-known/openid-configuration',
        '.well-known/openid-configuration',
        'discovery/v2.0/keys',
        'discovery/keys',
        'oauth2/v2.0/token',
    ];
    if (!known.includes(rest)) throw identityNotFound(req.path);
    if (tenantId === undefined) return unknownTenant(tenantSegment);
    if (rest === 'oauth2/v2.0/token') {
        if (req.method !== 'POST')
            throw new GraphError(405, 'BadRequest', 'The token endpoint only accepts POST.', { Allow: 'POST' });
        return tokenEndpoint(state, tenantId, req);
    }
    if (req.method !== 'GET') throw new GraphError(405, 'BadRequest', 'Only GET is supported.', { Allow: 'GET' });
    if (rest.endsWith('keys')) return jwks();
    return openIdConfiguration(state, tenantId, rest.startsWith('v2.0') ? 2 : 1);
}

function send(res: http.ServerResponse, req: EmuRequest, response: EmuResponse): void {
    const headers: Record<string, string> = {
        'request-id': req.requestId,
        'client-request-id': req.clientRequestId,
        'x-ms-ags-diagnostic': JSON.stringify({
            ServerInfo: { DataCenter: 'Local', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'emulator' },
        }),
        'Strict-Transport-Security': 'max-age=31536000',
        'Cache-Control': 'no-cache',
        ...response.headers,
    };
    let payload: string | undefined;
    if (response.body !== undefined) {
        payload = JSON.stringify(response.body);
        headers['Content-Type'] ??=
            'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
    } else if (response.text !== undefined) {
        payload = response.text;
        headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    }
    headers['Content-Length'] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
    res.writeHead(response.status, headers);
    res.end(payload);
}

function requestHandler(state: EmulatorState): http.RequestListener {
    return (incoming, res) => {
        const headers = headerRecord(incoming);
        const url = parseTarget(incoming.url ?? '/');
        const scheme = incoming.socket instanceof TLSSocket ? 'https' : 'http';
        const req: EmuRequest = {
            origin: headers.host ? `${scheme}://${headers.host}` : undefined,
            method: (incoming.method ?? 'GET').toUpperCase(),
            path: url.pathname,
            query: url.searchParams,
            headers,
            body: Buffer.alloc(0),
            requestId: newGuid(),
            clientRequestId: headers['client-request-id'] ?? newGuid(),
        };
        void (async () => {
            let response: EmuResponse;
            try {
                const body = await readBody(incoming);
                if (body === 'too-large') {
                    response = {
                        status: 413,
                        headers: {},
                        body: errorEnvelope(
                            'RequestEntityTooLarge',
                            `The request body exceeds the maximum allowed size of ${maxBodyBytes} bytes.`,
                            req.requestId,
                            req.clientRequestId,
                        ),
                    };
                } else {
                    req.body = body;
                    response = await dispatch(state, req);
                }
            } catch (error) {
                response = errorResponse(error, req);
            }
            if (!res.destroyed) send(res, req, response);
        })().catch(() => {
            if (!res.headersSent && !res.destroyed) {
                res.writeHead(500);
                res.end();
            }
        });
    };
}

function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
            server.off('error', reject);
            resolve((server.address() as AddressInfo).port);
        });
    });
}

function closeServer(server: http.Server | https.Server): Promise<void> {
    return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
    });
}

/** Starts the Graph emulator: HTTP on `host:port` and its TLS twin on `localhost:tlsPort`, sharing one state. */
export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<RunningGraphEmulator> {
    const state = new EmulatorState(tenantFromBody(options.fixture, options.demo), options.clock);
    const tls = ensureDevTls();
    const handler = requestHandler(state);
    const plain = http.createServer(handler);
    const secure = https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
    for (const server of [plain, secure]) {
        server.keepAliveTimeout = 5000;
        server.on('clientError', (_err, socket) => {
            if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        });
    }
    const host = options.host ?? '127.0.0.1';
    const port = await listen(plain, options.port ?? 7072, host);
    let tlsPort: number;
    try {
        tlsPort = await listen(secure, options.tlsPort ?? 7444, 'localhost');
    } catch (error) {
        await closeServer(plain);
        throw error;
    }
    state.tlsOrigin = `https://localhost:${tlsPort}`;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    return {
        url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`,
        tlsUrl: state.tlsOrigin,
        close: async () => {
            state.notifier.stop();
            await Promise.all([closeServer(plain), closeServer(secure)]);
        },
    };
}
