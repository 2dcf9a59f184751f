import type * as http from 'node:http';
import * as https from 'node:https';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/** Statuses whose `Response` must have a null body (the Fetch standard's "null body status"). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * The end of the Graph SDK's middleware chain, in place of its `HTTPMessageHandler` (which calls the global `fetch`):
 * the same request through `node:https` on a keep-alive agent, answered as a fetch `Response` for the middleware
 * before it. Why: `npm run bench:clients` measured the global `fetch` (undici) at about 3.4× the CPU of a bare
 * `https.request` per call, about 1.2 ms of a cancel's two Graph calls; the undici package's own `request` API costs
 * what a bare request does but adds ~65 ms to a cold first call (loading the package). Dependency telemetry comes
 * from the OpenTelemetry HTTP instrumentation (on by default in the Azure Monitor distro), as Storage's does.
 * Redirects are refused, as `fetch` with `redirect: 'error'` refused them: Graph's API does not redirect, and a token
 * must not follow one elsewhere. The body is read whole: Graph's answers here are small JSON documents.
 */
export class NodeHttpMessageHandler implements Middleware {
    // GRAPH_BASE_URL is https only (config schema), so one agent.
    private readonly agent = new https.Agent({ keepAlive: true });

    async execute(context: Context): Promise<void> {
        // `RequestInfo` is a DOM type; the SDK passes the URL string (or a Request, which has `url`).
        const target: unknown = context.request;
        const url = new URL(typeof target === 'string' ? target : (target as { readonly url: string }).url);
        const options = context.options ?? {};
        const answer = await send(url, {
            method: options.method ?? 'GET',
            headers: Object.fromEntries(new Headers(options.headers)),
            agent: this.agent,
            signal: options.signal ?? undefined,
            body: bodyOf(options.body),
        });
        if (redirectStatuses.has(answer.status)) {
            throw new TypeError(`Microsoft Graph answered ${answer.status} (a redirect), which is not followed`);
        }
        context.response = new Response(nullBodyStatuses.has(answer.status) ? null : answer.body, {
            status: answer.status,
            headers: answer.headers,
        });
    }
}

interface Answer {
    readonly status: number;
    readonly headers: Headers;
    readonly body: Buffer;
}

function send(
    url: URL,
    options: http.RequestOptions & { readonly body: string | Uint8Array | undefined },
): Promise<Answer> {
    const { body, ...requestOptions } = options;
    return new Promise<Answer>((resolve, reject) => {
        const request = https.request(url, requestOptions, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
                const headers = new Headers();
                for (const [name, value] of Object.entries(response.headers)) {
                    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
                        headers.append(name, one);
                    }
                }
                resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
            });
        });
        request.on('error', reject);
        request.end(body);
    });
}

/** The SDK serializes JSON bodies to strings; bytes pass as they are. */
function bodyOf(body: unknown): string | Uint8Array | undefined {
    if (body === undefined || body === null) return undefined;
    if (typeof body === 'string' || body instanceof Uint8Array) return body;
    if (body instanceof ArrayBuffer) return new Uint8Array(body);
    throw new TypeError(`a Graph request body of type ${Object.prototype.toString.call(body)} is not supported`);
}
