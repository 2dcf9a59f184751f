import type * as z from 'zod';
import type { BulkCancelOptions } from './args';
import { errorEnvelope, job, jobItemPage, preview, type Job, type JobItem, type Preview } from './wire';

/** The gateway refused, or answered something the CLI cannot read: Graph's envelope code and message when it sent one. */
export class GatewayError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        /** The gateway's Retry-After, when it sent one. */
        readonly retryAfterMs?: number,
    ) {
        super(message);
    }
}

const attempts = 4;
const maxRetryWaitMs = 30_000;

/**
 * How long to wait before trying a request again, or undefined when it must not be retried. Every call the CLI makes
 * may be repeated: reads and the preview write nothing, the create carries its Idempotency-Key, a stop is a stop.
 * Retried: no answer, 429 and 5xx (Retry-After honoured, capped), and a create whose key is still being processed.
 */
export function retryDelayMs(error: unknown, attempt: number): number | undefined {
    if (!(error instanceof GatewayError) || attempt >= attempts) return undefined;
    const transient =
        error.status === 0 || error.status === 429 || error.status >= 500 || error.code === 'idempotencyKeyInFlight';
    if (!transient) return undefined;
    return Math.min(maxRetryWaitMs, error.retryAfterMs ?? 1_000 * 2 ** (attempt - 1));
}

function retryAfterMs(response: Response): number | undefined {
    const seconds = Number(response.headers.get('retry-after'));
    return Number.isFinite(seconds) && seconds >= 0 && response.headers.has('retry-after')
        ? seconds * 1_000
        : undefined;
}

/**
 * The jobs API's public routes, and nothing else of the gateway. The token goes in the Authorization header only;
 * no message built here ever contains it.
 */
export function gatewayClient(gatewayUrl: string, token: string) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };

    async function sendOnce<T>(
        method: 'GET' | 'POST',
        url: string,
        schema: z.ZodType<T>,
        body?: unknown,
        extraHeaders: Record<string, string> = {},
    ): Promise<T> {
        let response: Response;
        try {
            response = await fetch(url, {
                method,
                headers: {
                    ...headers,
                    ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
                    ...extraHeaders,
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
        } catch (error) {
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            throw new GatewayError(
                0,
                cause?.code ?? 'unreachable',
                `${method} ${url}: ${cause?.message ?? String(error)}`,
            );
        }
        const text = await response.text();
        let json: unknown;
        try {
            json = text === '' ? undefined : JSON.parse(text);
        } catch {
            json = undefined;
        }
        if (!response.ok) {
            const envelope = errorEnvelope.safeParse(json);
            if (envelope.success)
                throw new GatewayError(
                    response.status,
                    envelope.data.error.code,
                    envelope.data.error.message,
                    retryAfterMs(response),
                );
            throw new GatewayError(
                response.status,
                `http${response.status}`,
                text.slice(0, 200) || response.statusText,
                retryAfterMs(response),
            );
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success)
            throw new GatewayError(
                response.status,
                'unexpectedResponse',
                `${method} ${url} answered ${response.status} with a body the CLI cannot read`,
            );
        return parsed.data;
    }

    async function send<T>(...args: Parameters<typeof sendOnce<T>>): Promise<T> {
        for (let attempt = 1; ; attempt++) {
            try {
                return await sendOnce(...args);
            } catch (error) {
                const delayMs = retryDelayMs(error, attempt);
                if (delayMs === undefined) throw error;
                await new Promise((resolve) => setTimeout(resolve, delayMs));
            }
        }
    }

    const jobsUrl = `${gatewayUrl}/api/cancellationJobs`;
    const jobUrl = (id: string) => `${jobsUrl}/${encodeURIComponent(id)}`;

    return {
        async preview(body: BulkCancelOptions['job']): Promise<Preview> {
            return send('POST', jobsUrl, preview, { ...body, dryRun: true });
        },

        /** Creates the job; a retry carries the same Idempotency-Key, so it never makes a second job. */
        async create(body: BulkCancelOptions['job'], idempotencyKey: string): Promise<Job> {
            return send('POST', jobsUrl, job, body, { 'Idempotency-Key': `"${idempotencyKey}"` });
        },

        async get(id: string): Promise<Job> {
            return send('GET', jobUrl(id), job);
        },

        async stop(id: string): Promise<Job> {
            return send('POST', `${jobUrl(id)}/stop`, job, {});
        },

        /** Every item with this outcome, following `@odata.nextLink`. */
        async items(id: string, outcome: string): Promise<JobItem[]> {
            const all: JobItem[] = [];
            let next: string | undefined = `${jobUrl(id)}/items?outcome=${encodeURIComponent(outcome)}&$top=200`;
            while (next !== undefined) {
                const page: z.infer<typeof jobItemPage> = await send('GET', next, jobItemPage);
                all.push(...page.value);
                next = page['@odata.nextLink'];
            }
            return all;
        },
    };
}

export type GatewayClient = ReturnType<typeof gatewayClient>;
