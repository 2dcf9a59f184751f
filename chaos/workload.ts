import { randomUUID } from 'node:crypto';
import type { ChaosTarget } from './fixture';
import type { Random } from './random';

/** Share of cancellations sent with an `Idempotency-Key`. */
const idempotencyKeyShare = 0.3;
/** Of those, the share sent once more after the answer (a client that lost the response and retries). */
const repeatShare = 0.5;
/** Of those, the share whose duplicate is sent while the first is still running (409, then a replay). */
const concurrentDuplicateShare = 0.1;
/** A client gives a cancellation this long before it stops retrying. */
const clientDeadlineMs = 180_000;
const requestTimeoutMs = 60_000;
const retryBackoffMs = [100, 250, 500, 1_000, 2_000];
/** Answers a client retries: the gateway busy, Graph throttled behind it, or the key still in flight. */
const retryableStatuses = new Set([409, 429, 500, 502, 503, 504]);

export interface WorkloadStats {
    asked: number;
    succeeded: number;
    /** Final answers other than 202/204 (none are expected: every target exists and the caller may cancel it). */
    unexpected: string[];
    gaveUp: string[];
    retries: number;
    connectionErrors: number;
    retriedStatuses: Record<string, number>;
    /** `Cancellation-Replayed: true`: the gateway had already cancelled the item (e.g. a retry after a kill). */
    cancellationReplays: number;
    withKey: number;
    /** Deliberate second sends with the same key, and how many came back `Idempotent-Replayed` with the same answer. */
    repeats: number;
    repeatsReplayed: number;
    repeatMismatches: string[];
}

export function emptyWorkloadStats(): WorkloadStats {
    return {
        asked: 0,
        succeeded: 0,
        unexpected: [],
        gaveUp: [],
        retries: 0,
        connectionErrors: 0,
        retriedStatuses: {},
        cancellationReplays: 0,
        withKey: 0,
        repeats: 0,
        repeatsReplayed: 0,
        repeatMismatches: [],
    };
}

interface CancelRequest {
    readonly target: ChaosTarget;
    readonly path: string;
    readonly body: string;
    readonly key: string | undefined;
}

function cancelRequest(target: ChaosTarget, random: Random): CancelRequest {
    const key = random.chance(idempotencyKeyShare) ? randomUUID() : undefined;
    if (target.kind === 'event') {
        // Two of Graph's route forms for the same item.
        const scope = random.chance(0.5) ? 'events' : 'calendar/events';
        return {
            target,
            path: `v1.0/users/${target.mailbox}/${scope}/${target.id}/cancel`,
            body: JSON.stringify({ comment: `Chaos cancel of ${target.id}` }),
            key,
        };
    }
    return {
        target,
        path: `v1.0/solutions/bookingBusinesses/${target.businessId}/appointments/${target.id}/cancel`,
        body: JSON.stringify({ cancellationMessage: `Chaos cancel of ${target.id}` }),
        key,
    };
}

interface Answer {
    status: number;
    location: string | null;
    replayed: boolean;
    idempotentReplayed: boolean;
}

/**
 * Sends one cancel as a real client would: on a cut connection (the host was killed), a 5xx, 429 or 409 it waits
 * (`Retry-After` when given) and sends the very same request again, with the same `Idempotency-Key` if it had one.
 */
async function sendUntilAnswered(
    gatewayUrl: string,
    request: CancelRequest,
    token: () => string,
    stats: WorkloadStats,
): Promise<Answer | undefined> {
    const deadline = Date.now() + clientDeadlineMs;
    for (let attempt = 0; ; attempt++) {
        let waitMs = retryBackoffMs[Math.min(attempt, retryBackoffMs.length - 1)]!;
        try {
            const response = await fetch(`${gatewayUrl}/api/${request.path}`, {
                method: 'POST',
                headers: {
                    Authorization: `Bearer ${token()}`,
                    'Content-Type': 'application/json',
                    ...(request.key ? { 'Idempotency-Key': `"${request.key}"` } : {}),
                },
                body: request.body,
                signal: AbortSignal.timeout(requestTimeoutMs),
            });
            await response.arrayBuffer();
            if (!retryableStatuses.has(response.status)) {
                return {
                    status: response.status,
                    location: response.headers.get('location'),
                    replayed: response.headers.get('cancellation-replayed') === 'true',
                    idempotentReplayed: response.headers.get('idempotent-replayed') === 'true',
                };
            }
            stats.retriedStatuses[response.status] = (stats.retriedStatuses[response.status] ?? 0) + 1;
            const retryAfterSeconds = Number(response.headers.get('retry-after'));
            if (Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) waitMs = retryAfterSeconds * 1000;
        } catch {
            stats.connectionErrors++;
        }
        if (Date.now() + waitMs > deadline) return undefined;
        stats.retries++;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
}

async function cancelOne(
    gatewayUrl: string,
    request: CancelRequest,
    token: () => string,
    random: Random,
    stats: WorkloadStats,
) {
    stats.asked++;
    if (request.key) stats.withKey++;
    const repeat = request.key !== undefined && random.chance(repeatShare);
    const concurrent = repeat && random.chance(concurrentDuplicateShare);
    const first = sendUntilAnswered(gatewayUrl, request, token, stats);
    const duplicate = concurrent ? sendUntilAnswered(gatewayUrl, request, token, stats) : undefined;
    const answer = await first;
    const label = `${request.target.kind} ${request.target.id}`;
    if (!answer) return void stats.gaveUp.push(label);
    if (answer.status !== 202 && answer.status !== 204) return void stats.unexpected.push(`${label}: ${answer.status}`);
    stats.succeeded++;
    if (answer.replayed) stats.cancellationReplays++;
    if (!repeat) return;
    const again = await (duplicate ?? sendUntilAnswered(gatewayUrl, request, token, stats));
    stats.repeats++;
    // Whichever of two concurrent sends finished second replays the other's answer.
    const replayedOne = concurrent ? again?.idempotentReplayed || answer.idempotentReplayed : again?.idempotentReplayed;
    if (again && again.status === answer.status && again.location === answer.location && replayedOne) {
        stats.repeatsReplayed++;
    } else {
        const repeated = again ? `${again.status} ${again.location} replayed=${again.idempotentReplayed}` : 'no answer';
        stats.repeatMismatches.push(`${label}: first ${answer.status} ${answer.location}, repeat ${repeated}`);
    }
}

/**
 * Cancels every target once (with `concurrency` in flight), in a seeded random order; `onProgress` sees each finished
 * cancellation (the kill schedule hangs off it).
 */
export async function runWorkload(options: {
    gatewayUrl: string;
    targets: readonly ChaosTarget[];
    concurrency: number;
    token: () => string;
    random: Random;
    stats: WorkloadStats;
    onProgress: (done: number) => void;
}): Promise<void> {
    const requests = options.targets.map((target) => cancelRequest(target, options.random));
    for (let i = requests.length - 1; i > 0; i--) {
        const j = options.random.int(0, i);
        [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    let nextIndex = 0;
    let done = 0;
    const worker = async () => {
        for (let request = requests[nextIndex++]; request; request = requests[nextIndex++]) {
            await cancelOne(options.gatewayUrl, request, options.token, options.random, options.stats);
            options.onProgress(++done);
        }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
}
