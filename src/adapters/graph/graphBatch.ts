import * as z from 'zod';
import { ServiceUnavailableError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import {
    type BatchAnswer,
    type GraphBatchPort,
    GraphThrottled,
    type ItemLookup,
    maxBatchSize,
} from '../../domain/reconciliation/graphLookups';
import { retryAfterMs } from './deadlineRetryHandler';
import { lookupRequest } from './graphAddress';
import type { GraphClient } from './graphClient';

/** `{responses:[{id,status,headers,body}]}`, in any order (docs/graph.md §5). */
const batchResponseWire = z.object({
    responses: z.array(
        z.object({
            id: z.string(),
            status: z.number().int(),
            headers: z.record(z.string(), z.unknown()).nullish(),
            body: z.unknown().optional(),
        }),
    ),
});

/** Fallback when a throttled batch comes back without a usable `Retry-After`. */
const defaultBatchRetryAfterMs = 1_000;

/** An item's `Retry-After` header (name in any case; whole or fractional seconds, or an HTTP date) in ms. */
function itemRetryAfterMs(
    headers: Readonly<Record<string, unknown>> | null | undefined,
    nowMs: number,
): number | undefined {
    if (!headers) return undefined;
    for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() !== 'retry-after') continue;
        if (typeof value !== 'string' && typeof value !== 'number') return undefined;
        return retryAfterMs(String(value).trim(), nowMs);
    }
    return undefined;
}

/**
 * {@link GraphBatchPort} over {@link GraphClient}: one `POST /{version}/$batch` of GETs. Give it a GraphClient built
 * with `retryDeadlineMs: 0`, so a throttled batch comes back at once as {@link GraphThrottled} and the lookup engine,
 * which knows the mailbox and the run's deadline, decides when to resend (a client with its own retry deadline
 * also works, but then waits inside the call).
 *
 * Requests are numbered `1..n` on the wire (Graph wants unique ids; ours may be any string) and mapped back.
 *
 * The batch body is built and read here rather than with the SDK's `BatchRequestContent`/`BatchResponseContent`:
 * those want a fetch `Request` per item (with an absolute URL, so a made-up host in Node) and hand back a `Response`
 * per item to be read again, about 0.6 ms of CPU per 20-item batch against 0.03 ms for this (docs/architecture.md).
 */
export class GraphBatchClient implements GraphBatchPort {
    private readonly now: () => number;

    constructor(
        private readonly graph: GraphClient,
        options: { readonly now?: () => number } = {},
    ) {
        this.now = options.now ?? Date.now;
    }

    async send(version: 'v1.0' | 'beta', requests: readonly ItemLookup[]): Promise<BatchAnswer> {
        if (requests.length === 0) return { responses: [] };
        if (requests.length > maxBatchSize) {
            throw new RangeError(`A $batch holds at most ${maxBatchSize} requests, not ${requests.length}.`);
        }
        let result;
        try {
            result = await this.graph.send({
                method: 'POST',
                version,
                path: '/$batch',
                body: {
                    requests: requests.map((r, i) => ({
                        id: String(i + 1),
                        method: 'GET',
                        ...lookupRequest(r.target),
                    })),
                },
            });
        } catch (error) {
            // The client gives up on 429/503/504 as ServiceUnavailableError carrying the wait in Retry-After; without
            // one it is a token failure, not throttling.
            const header = error instanceof ServiceUnavailableError ? error.headers['Retry-After'] : undefined;
            if (header !== undefined) {
                throw new GraphThrottled(retryAfterMs(header, this.now()) ?? defaultBatchRetryAfterMs);
            }
            throw error;
        }
        const parsed = batchResponseWire.safeParse(result.body);
        if (!parsed.success) {
            throw new UpstreamError(
                502,
                'badBatchResponse',
                `Microsoft Graph answered the $batch with an unexpected body: ${parsed.error.message}`,
                'unknown',
                result.requestId,
            );
        }
        const nowMs = this.now();
        const responses: Array<BatchAnswer['responses'][number]> = [];
        const answered = new Set<number>();
        for (const response of parsed.data.responses) {
            const index = Number(response.id) - 1;
            const request = /^[1-9]\d*$/.test(response.id) ? requests[index] : undefined;
            if (!request || answered.has(index)) continue; // an id we did not send (or twice): ignore it
            answered.add(index);
            const wait = itemRetryAfterMs(response.headers, nowMs);
            responses.push({
                id: request.id,
                status: response.status,
                body: response.body,
                ...(wait === undefined ? {} : { retryAfterMs: wait }),
            });
        }
        return { responses };
    }
}
