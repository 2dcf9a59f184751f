import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { type BenchUser, eventId, type Phase } from './mailboxes';

/** One side of the comparison: cancels through the gateway, or the same Graph calls straight to the emulator. */
export type Side = 'gateway' | 'direct';

export interface LoadResult {
    readonly side: Side;
    readonly concurrency: number;
    /** Cancels completed (each one gateway request, or one GET + one POST direct). */
    readonly cancels: number;
    readonly wallMs: number;
    /** Per-cancel latencies, ascending, without each connection's first cancel (which also pays for connecting). */
    readonly latenciesMs: Float64Array;
    /** Answers that were not what a successful cancel gets (202; direct: 200 then 202). */
    readonly failures: readonly string[];
    /** autocannon's own figures for the HTTP requests (direct: two per cancel). */
    readonly http: { readonly requestsPerSecond: number; readonly errors: number; readonly timeouts: number };
}

export interface LoadTarget {
    readonly gatewayUrl: string;
    readonly emulatorTlsUrl: string;
    /** `Bearer …` app-only Graph token, for the direct side. */
    readonly graphAuthorization: string;
    /** `$select` of the gateway's organizer check, as read from the emulator's request log. */
    readonly eventSelect: string;
    readonly users: readonly BenchUser[];
}

const requestTimeoutSeconds = 60;
export const cancelComment = 'Cancelled by bench:gateway';
const commentBody = JSON.stringify({ comment: cancelComment });
/** Sent on direct calls as the gateway sends its own request id on each Graph call. */
const benchClientRequestId = 'bench-gateway-direct';

/** The gateway's route for one event of the phase (owner by UPN, as a client would write it). */
export function gatewayPath(users: readonly BenchUser[], phase: Phase, i: number): string {
    const user = users[i % users.length]!;
    return `/api/v1.0/users/${user.upn}/events/${eventId(phase, i)}/cancel`;
}

/** The Graph path the gateway sends for it (`src/adapters/graph/graphAddress.ts`: the resolved user id, ids URL-encoded). */
export function graphEventPath(users: readonly BenchUser[], phase: Phase, i: number): string {
    const user = users[i % users.length]!;
    return `/v1.0/users/${encodeURIComponent(user.id)}/events/${encodeURIComponent(eventId(phase, i))}`;
}

function percentileInput(samples: number[]): Float64Array {
    return Float64Array.from(samples).sort();
}

/**
 * Runs `phase.count` cancels with autocannon at `concurrency` connections. Ids are walked with a shared cursor in
 * `setupRequest` (every cancel needs its own event: a cancelled one moves to Deleted Items). Latency is measured per
 * cancel from `setupRequest` (just before the request is written) to `onResponse`, the same way on both sides, so
 * a direct cancel's two requests count as one. `onCancel(done)` is called after each completed cancel.
 */
export function runLoad(
    side: Side,
    target: LoadTarget,
    phase: Phase,
    concurrency: number,
    onCancel: (done: number) => void = () => undefined,
): Promise<LoadResult> {
    let cursor = 0;
    let done = 0;
    let constructing = true;
    // autocannon reports completion on its 1-second tick, so the run ends at the last answer, measured here.
    let lastAnswerAt = Number.NaN;
    const latencies: number[] = [];
    const failures: string[] = [];
    const take = (): number => {
        if (cursor >= phase.count) throw new Error(`phase ${phase.tag}: more than ${phase.count} cancels requested`);
        return cursor++;
    };
    const start = (context: autocannon.RequestContext): void => {
        context.t0 = performance.now();
        // A connection's first request is set up when the connection is created, before it connects.
        context.timed = !constructing;
    };
    const finish = (context: autocannon.RequestContext): void => {
        if (context.timed === true) latencies.push(performance.now() - (context.t0 as number));
        done += 1;
        lastAnswerAt = performance.now();
        onCancel(done);
    };
    const expect = (what: string, expected: number, status: number, body: string): boolean => {
        if (status === expected) return true;
        if (failures.length < 20) failures.push(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
        return false;
    };

    const gatewayRequests: autocannon.Request[] = [
        {
            method: 'POST',
            setupRequest: (request, context) => {
                const i = take();
                start(context);
                const user = target.users[i % target.users.length]!;
                return {
                    ...request,
                    path: gatewayPath(target.users, phase, i),
                    headers: { authorization: user.authorization, 'content-type': 'application/json' },
                    body: commentBody,
                };
            },
            onResponse: (status, body, context) => {
                expect('gateway cancel', 202, status, body);
                finish(context);
            },
        },
    ];
    const graphHeaders = { authorization: target.graphAuthorization, 'client-request-id': benchClientRequestId };
    const select = new URLSearchParams({ $select: target.eventSelect }).toString();
    const directRequests: autocannon.Request[] = [
        {
            method: 'GET',
            setupRequest: (request, context) => {
                const i = take();
                start(context);
                context.i = i;
                return {
                    ...request,
                    path: `${graphEventPath(target.users, phase, i)}?${select}`,
                    headers: graphHeaders,
                };
            },
            onResponse: (status, body) => void expect('direct GET', 200, status, body),
        },
        {
            method: 'POST',
            setupRequest: (request, context) => ({
                ...request,
                path: `${graphEventPath(target.users, phase, context.i as number)}/cancel`,
                headers: { ...graphHeaders, 'content-type': 'application/json' },
                body: commentBody,
            }),
            onResponse: (status, body, context) => {
                expect('direct POST cancel', 202, status, body);
                finish(context);
            },
        },
    ];

    const perCancel = side === 'gateway' ? 1 : 2;
    return new Promise((resolve, reject) => {
        const startedAt = performance.now();
        try {
            autocannon(
                {
                    url: side === 'gateway' ? target.gatewayUrl : target.emulatorTlsUrl,
                    connections: concurrency,
                    pipelining: 1,
                    // Each connection gets the same whole number of cancels (the caller makes count a multiple).
                    amount: phase.count * perCancel,
                    timeout: requestTimeoutSeconds,
                    requests: side === 'gateway' ? gatewayRequests : directRequests,
                },
                (error, result) => {
                    if (error) return reject(error);
                    resolve({
                        side,
                        concurrency,
                        cancels: done,
                        wallMs: lastAnswerAt - startedAt,
                        latenciesMs: percentileInput(latencies),
                        failures,
                        http: {
                            requestsPerSecond: result.requests.average,
                            errors: result.errors,
                            timeouts: result.timeouts,
                        },
                    });
                },
            );
        } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
        } finally {
            constructing = false;
        }
    });
}
