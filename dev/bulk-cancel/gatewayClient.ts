import type { z } from 'zod';
import type { BulkCancelOptions } from './args';
import { errorEnvelope, job, jobItemPage, preview, type Job, type JobItem, type Preview } from './wire';

/** The gateway refused, or answered something the CLI cannot read: Graph's envelope code and message when it sent one. */
export class GatewayError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

const createAttempts = 4;
const maxRetryWaitMs = 30_000;

/**
 * The jobs API's public routes, and nothing else of the gateway. The token goes in the Authorization header only;
 * no message built here ever contains it.
 */
export function gatewayClient(gatewayUrl: string, token: string) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };

    async function send<T>(
        method: 'GET' | 'POST',
        url: string,
        schema: z.ZodType<T>,
        body?: unknown,
        extraHeaders: Record<string, string> = {},
    ): Promise<{ value: T; response: Response }> {
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
                throw new GatewayError(response.status, envelope.data.error.code, envelope.data.error.message);
            throw new GatewayError(
                response.status,
                `http${response.status}`,
                text.slice(0, 200) || response.statusText,
            );
        }
        const parsed = schema.safeParse(json);
        if (!parsed.success)
            throw new GatewayError(
                response.status,
                'unexpectedResponse',
                `${method} ${url} answered ${response.status} with a body the CLI cannot read`,
            );
        return { value: parsed.data, response };
    }

    const jobsUrl = `${gatewayUrl}/api/cancellationJobs`;
    const jobUrl = (id: string) => `${jobsUrl}/${encodeURIComponent(id)}`;

    return {
        async preview(body: BulkCancelOptions['job']): Promise<Preview> {
            return (await send('POST', jobsUrl, preview, { ...body, dryRun: true })).value;
        },

        /**
         * Creates the job. A lost answer, a 5xx or a 429 is retried with the same Idempotency-Key, so a retry never
         * makes a second job.
         */
        async create(body: BulkCancelOptions['job'], idempotencyKey: string): Promise<Job> {
            for (let attempt = 1; ; attempt++) {
                try {
                    return (await send('POST', jobsUrl, job, body, { 'Idempotency-Key': `"${idempotencyKey}"` })).value;
                } catch (error) {
                    const retryable =
                        error instanceof GatewayError &&
                        (error.status === 0 ||
                            error.status === 429 ||
                            error.status >= 500 ||
                            error.code === 'idempotencyKeyInFlight');
                    if (!retryable || attempt >= createAttempts) throw error;
                    await new Promise((resolve) => setTimeout(resolve, Math.min(maxRetryWaitMs, 1_000 * 2 ** attempt)));
                }
            }
        },

        async get(id: string): Promise<Job> {
            return (await send('GET', jobUrl(id), job)).value;
        },

        async stop(id: string): Promise<Job> {
            return (await send('POST', `${jobUrl(id)}/stop`, job, {})).value;
        },

        /** Every item with this outcome, following `@odata.nextLink`. */
        async items(id: string, outcome: string): Promise<JobItem[]> {
            const all: JobItem[] = [];
            let next: string | undefined = `${jobUrl(id)}/items?outcome=${encodeURIComponent(outcome)}&$top=200`;
            while (next !== undefined) {
                const page: z.infer<typeof jobItemPage> = (await send('GET', next, jobItemPage)).value;
                all.push(...page.value);
                next = page['@odata.nextLink'];
            }
            return all;
        },
    };
}

export type GatewayClient = ReturnType<typeof gatewayClient>;
