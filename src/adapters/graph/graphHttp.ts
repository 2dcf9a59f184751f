import type { TokenCredential } from '@azure/identity';
import { ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import { log } from '../../observability/logger';
import { annotateLogScope } from '../../observability/logScope';
import { graphScope } from './credential';

export interface GraphHttpOptions {
    readonly baseUrl: string;
    readonly credential: TokenCredential;
    /** Per-attempt timeout. */
    readonly timeoutMs: number;
    /** Throttled calls are retried while the next attempt can start before this much time has passed. */
    readonly retryDeadlineMs: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
}

export interface GraphCall {
    readonly method: 'GET' | 'POST' | 'DELETE';
    readonly version: 'v1.0' | 'beta';
    /** Path below the version, ids already URL-encoded, e.g. `/users/a%40b/events/AAM…`. */
    readonly path: string;
    readonly query?: Readonly<Record<string, string>>;
    readonly body?: unknown;
    /** Sent as `client-request-id` so Graph's logs and ours correlate. */
    readonly clientRequestId?: string | undefined;
}

export interface GraphResult {
    readonly status: number;
    readonly body: unknown;
    readonly requestId: string | undefined;
}

const retriableStatuses = new Set([429, 503, 504]);
const fallbackBackoffMs = [1_000, 2_000, 4_000, 8_000];

/** `Retry-After` as seconds (Graph sends whole or fractional seconds) or an HTTP date. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
    if (!header) return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

function graphError(body: unknown): { code: string; message: string } {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    return {
        code: typeof error?.code === 'string' && error.code !== '' ? error.code : 'UnknownError',
        message: typeof error?.message === 'string' ? error.message : 'Microsoft Graph returned an error.',
    };
}

/**
 * A small Graph client on `fetch`: app-only token from the gateway's credential, one timeout per attempt,
 * 429/503/504 retried honouring `Retry-After` within a deadline, Graph's error envelope parsed into
 * {@link UpstreamError}. The official SDK's retry handler cannot be bounded by a deadline, hence this.
 */
export class GraphHttp {
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;

    constructor(private readonly options: GraphHttpOptions) {
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.now = options.now ?? Date.now;
    }

    async send(call: GraphCall): Promise<GraphResult> {
        const deadline = this.now() + this.options.retryDeadlineMs;
        for (let attempt = 0; ; attempt++) {
            const startedAt = performance.now();
            const response = await this.attempt(call, attempt);
            const requestId = response.headers.get('request-id') ?? undefined;
            logGraphCall(call, attempt, response.status, requestId, Math.round(performance.now() - startedAt));
            const text = await response.text();
            const body: unknown = text ? parseJson(text) : undefined;
            if (response.ok) return { status: response.status, body, requestId };
            const { code, message } = graphError(body);
            if (retriableStatuses.has(response.status)) {
                const waitMs =
                    retryAfterMs(response.headers.get('retry-after'), this.now()) ??
                    fallbackBackoffMs[Math.min(attempt, fallbackBackoffMs.length - 1)]!;
                if (this.now() + waitMs < deadline) {
                    await this.sleep(waitMs);
                    continue;
                }
                throw new ServiceUnavailableError(
                    'Microsoft Graph is throttling or unavailable; retry after the indicated delay.',
                    Math.max(1, waitMs / 1000),
                );
            }
            const outcome = response.status >= 500 ? 'unknown' : 'rejected';
            throw new UpstreamError(response.status, code, message, outcome, requestId);
        }
    }

    private async attempt(call: GraphCall, attempt: number): Promise<Response> {
        const token = await this.options.credential.getToken(graphScope).catch((error: unknown) => {
            throw new ServiceUnavailableError(`Could not get a token for Microsoft Graph: ${(error as Error).message}`);
        });
        if (!token) throw new ServiceUnavailableError('Could not get a token for Microsoft Graph.');
        const url = new URL(`${this.options.baseUrl}/${call.version}${call.path}`);
        for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
        const headers: Record<string, string> = { Authorization: `Bearer ${token.token}` };
        if (call.body !== undefined) headers['Content-Type'] = 'application/json';
        if (call.clientRequestId) headers['client-request-id'] = call.clientRequestId;
        const startedAt = performance.now();
        try {
            return await fetch(url, {
                method: call.method,
                headers,
                body: call.body === undefined ? undefined : JSON.stringify(call.body),
                signal: AbortSignal.timeout(this.options.timeoutMs),
                redirect: 'error',
            });
        } catch (error) {
            logGraphCall(
                call,
                attempt,
                undefined,
                undefined,
                Math.round(performance.now() - startedAt),
                (error as Error).message,
            );
            // The call may or may not have reached Graph: the caller records the outcome as unknown.
            throw new UpstreamError(
                504,
                'gatewayTimeout',
                `Microsoft Graph did not answer: ${(error as Error).message}`,
                'unknown',
                undefined,
                { 'Retry-After': '5' },
            );
        }
    }
}

/**
 * One line per Graph attempt (method, path without the query, status, Graph's `request-id`, ms), logged in the
 * caller's scope; the request-id is also added to the scope so the request's later lines carry it.
 */
function logGraphCall(
    call: GraphCall,
    attempt: number,
    status: number | undefined,
    graphRequestId: string | undefined,
    ms: number,
    failure?: string,
): void {
    annotateLogScope({ graphRequestId });
    const fields = { method: call.method, path: `/${call.version}${call.path}`, status, graphRequestId, ms, attempt };
    if (failure !== undefined) log.warn('graph call failed', { ...fields, failure });
    else log.info('graph call', fields);
}

function parseJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
