import { type Context, GraphClientError, type Middleware } from '@microsoft/microsoft-graph-client';
import { AppError, ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import { log } from '../../observability/logger';
import { annotateLogScope } from '../../observability/logScope';

export interface DeadlineRetryOptions {
    /** Per-attempt timeout. */
    readonly timeoutMs: number;
    /** Throttled calls are retried while the next attempt can start before this much time has passed. */
    readonly retryDeadlineMs: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
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

/**
 * The SDK wraps whatever a middleware throws in a `GraphError`, except a `GraphClientError`: the gateway's own error
 * travels out of the chain inside one ({@link carriedAppError} takes it out again).
 */
export function carry(error: AppError): GraphClientError {
    const carrier = new GraphClientError(error.message);
    carrier.customError = error;
    return carrier;
}

export function carriedAppError(error: unknown): AppError | undefined {
    if (!(error instanceof GraphClientError)) return undefined;
    const carried: unknown = error.customError;
    return carried instanceof AppError ? carried : undefined;
}

/**
 * The SDK's retry step, bounded in time: each attempt gets `timeoutMs`; 429/503/504 are retried after their
 * `Retry-After` (or a backoff) only while the next attempt starts before `retryDeadlineMs` is up, then the caller
 * gets 503 with the wait. The stock `RetryHandler` counts retries and caps each delay, but nothing bounds the total.
 * A Graph that does not answer is an `unknown` outcome (504): the call may have reached it.
 */
export class DeadlineRetryHandler implements Middleware {
    private next: Middleware | undefined;
    private readonly sleep: (ms: number) => Promise<void>;
    private readonly now: () => number;

    constructor(private readonly options: DeadlineRetryOptions) {
        this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
        this.now = options.now ?? Date.now;
    }

    setNext(next: Middleware): void {
        this.next = next;
    }

    async execute(context: Context): Promise<void> {
        if (!this.next) throw new Error('DeadlineRetryHandler needs a next middleware');
        const deadline = this.now() + this.options.retryDeadlineMs;
        const options = context.options ?? {};
        const callerSignal = options.signal ?? undefined;
        const call = describe(context);
        for (let attempt = 0; ; attempt++) {
            const timeout = AbortSignal.timeout(this.options.timeoutMs);
            context.options = { ...options, signal: callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout };
            const startedAt = performance.now();
            try {
                await this.next.execute(context);
            } catch (error) {
                const message = (error as Error).message;
                logGraphCall(call, attempt, undefined, undefined, Math.round(performance.now() - startedAt), message);
                throw carry(
                    new UpstreamError(
                        504,
                        'gatewayTimeout',
                        `Microsoft Graph did not answer: ${message}`,
                        'unknown',
                        undefined,
                        {
                            'Retry-After': '5',
                        },
                    ),
                );
            }
            const response = context.response;
            if (!response) throw new Error('the Graph middleware chain ended without a response');
            const requestId = response.headers.get('request-id') ?? undefined;
            logGraphCall(call, attempt, response.status, requestId, Math.round(performance.now() - startedAt));
            if (!retriableStatuses.has(response.status)) return;
            await response.body?.cancel();
            const waitMs =
                retryAfterMs(response.headers.get('retry-after'), this.now()) ??
                fallbackBackoffMs[Math.min(attempt, fallbackBackoffMs.length - 1)]!;
            if (this.now() + waitMs >= deadline) {
                throw carry(
                    new ServiceUnavailableError(
                        'Microsoft Graph is throttling or unavailable; retry after the indicated delay.',
                        Math.max(1, waitMs / 1000),
                    ),
                );
            }
            await this.sleep(waitMs);
        }
    }
}

interface CallDescription {
    readonly method: string;
    /** Without the query. */
    readonly path: string;
}

function describe(context: Context): CallDescription {
    // `RequestInfo` is a DOM type; the SDK passes the URL string (or a Request, which has `url`).
    const request: unknown = context.request;
    const url = typeof request === 'string' ? request : (request as { readonly url: string }).url;
    const pathStart = url.indexOf('/', url.indexOf('://') + 3);
    const queryStart = url.indexOf('?');
    return {
        method: context.options?.method ?? 'GET',
        path: pathStart < 0 ? '/' : url.slice(pathStart, queryStart < 0 ? undefined : queryStart),
    };
}

/**
 * One line per Graph attempt (method, path without the query, status, Graph's `request-id`, ms), logged in the
 * caller's scope; the request-id is also added to the scope so the request's later lines carry it.
 */
function logGraphCall(
    call: CallDescription,
    attempt: number,
    status: number | undefined,
    graphRequestId: string | undefined,
    ms: number,
    failure?: string,
): void {
    annotateLogScope({ graphRequestId });
    const fields = { method: call.method, path: call.path, status, graphRequestId, ms, attempt };
    if (failure !== undefined) log.warn('graph call failed', { ...fields, failure });
    else log.info('graph call', fields);
}
