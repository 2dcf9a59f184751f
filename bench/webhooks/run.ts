import { performance } from 'node:perf_hooks';
import { mintToken } from '../../dev/identity/mintToken';
import { resetEmulator, setGraphLatency } from '../gateway/emulator';
import { gatewayPath } from '../gateway/load';
import { type BenchUser, benchUsers, eventId, type Phase, phaseFixture } from '../gateway/mailboxes';
import { type BenchStack, startBenchStack } from '../gateway/stack';
import type { WebhookBenchArgs } from './args';
import { type Behaviour, type Receiver, startReceiver } from './receivers';

/** The sample tenant policy's demo app (local.settings.sample.json): the subscriptions' owner, as `npm run receiver`. */
const subscriberAppId = 'ca9ce1a7-0000-4000-8000-0000000000d4';
/** Cancels in flight at most; past it the pace slips (the achieved rate is printed). */
const maxCancelsInFlight = 64;
const cancelTimeoutMs = 60_000;
/** How long after the last cancel the healthy endpoint may take to receive the rest. */
const drainTimeoutMs = 120_000;
const pollMs = 50;

export interface RunResult {
    readonly label: string;
    readonly behaviours: readonly Behaviour[];
    readonly cancels: number;
    /** Cancels started per second, as achieved. */
    readonly cancelRate: number;
    /** Cancel-to-receipt at the healthy endpoint (receipt minus the cancel's 202), ascending. */
    readonly latenciesMs: Float64Array;
    /** Measured cancels whose notification the healthy endpoint had not received when the run ended. */
    readonly missing: number;
    /** Healthy receipts per second, between the first and the last receipt of the measured cancels. */
    readonly deliveriesPerSecond: number;
    readonly endpoints: readonly { behaviour: Behaviour; verified: number; rejected: number }[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function subscribe(stack: BenchStack, receiver: Receiver): Promise<void> {
    // Cancellations.Admin as an app role: a subscription that receives every record of the tenant.
    const token = mintToken({
        app: subscriberAppId,
        roles: ['Subscriptions.ReadWrite.All', 'Cancellations.Admin'],
        issuerHost: stack.emulatorTlsUrl,
    });
    const response = await fetch(`${stack.gatewayUrl}/api/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
            notificationUrl: receiver.url,
            eventTypes: ['event.cancelled'],
            description: `bench:webhooks ${receiver.behaviour}`,
        }),
        signal: AbortSignal.timeout(cancelTimeoutMs),
    });
    const body = (await response.json()) as { secret?: string };
    if (response.status !== 201 || body.secret === undefined) {
        throw new Error(`subscription for ${receiver.url}: HTTP ${response.status} ${JSON.stringify(body)}`);
    }
    receiver.useSecret(body.secret);
}

/**
 * Starts `phase.count` cancels at `ratePerSecond`, open loop (each at its due time, not after the previous answer),
 * and returns each meeting's 202 time (performance.now()).
 */
async function pacedCancels(
    stack: BenchStack,
    users: readonly BenchUser[],
    phase: Phase,
    ratePerSecond: number,
): Promise<{ acceptedAt: Map<string, number>; startedMs: number; sentMs: number }> {
    const acceptedAt = new Map<string, number>();
    const failures: string[] = [];
    const inFlight = new Set<Promise<void>>();
    const cancel = async (i: number): Promise<void> => {
        const response = await fetch(`${stack.gatewayUrl}${gatewayPath(users, phase, i)}`, {
            method: 'POST',
            headers: { authorization: users[i % users.length]!.authorization, 'content-type': 'application/json' },
            body: JSON.stringify({ comment: 'Cancelled by bench:webhooks' }),
            signal: AbortSignal.timeout(cancelTimeoutMs),
        });
        const at = performance.now();
        const text = await response.text();
        if (response.status === 202) acceptedAt.set(eventId(phase, i), at);
        else failures.push(`cancel ${i}: HTTP ${response.status} ${text.slice(0, 300)}`);
    };
    const startedMs = performance.now();
    for (let i = 0; i < phase.count; i++) {
        const waitMs = startedMs + (i * 1000) / ratePerSecond - performance.now();
        if (waitMs > 0) await sleep(waitMs);
        while (inFlight.size >= maxCancelsInFlight) await Promise.race(inFlight);
        const work: Promise<void> = cancel(i)
            .catch((error: unknown) => void failures.push(`cancel ${i}: ${String(error)}`))
            .finally(() => inFlight.delete(work));
        inFlight.add(work);
    }
    const sentMs = performance.now();
    await Promise.all(inFlight);
    if (failures.length > 0) {
        throw new Error(`${failures.length} cancels failed; first:\n  ${failures.slice(0, 5).join('\n  ')}`);
    }
    return { acceptedAt, startedMs, sentMs };
}

/** Waits (bounded) until the healthy endpoint has every meeting of `ids`; returns how many it still lacks. */
async function awaitReceipts(healthy: Receiver, ids: Iterable<string>, timeoutMs: number): Promise<number> {
    const wanted = [...ids];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const missing = wanted.filter((id) => !healthy.receipts.has(id)).length;
        if (missing === 0 || Date.now() > deadline) return missing;
        await sleep(pollMs);
    }
}

/**
 * One run on a fresh stack: a receiver per behaviour, one `event.cancelled` subscription each, a warm-up, then
 * `args.cancellations` paced cancels, and the healthy endpoint's cancel-to-receipt latency for them.
 */
export async function runOnce(
    label: string,
    behaviours: readonly Behaviour[],
    args: WebhookBenchArgs,
    log: (line: string) => void,
    onStack: (stack: BenchStack | undefined) => void,
): Promise<RunResult> {
    const receivers: Receiver[] = [];
    let stack: BenchStack | undefined;
    try {
        for (const behaviour of behaviours) receivers.push(await startReceiver(behaviour));
        const healthy = receivers.find((receiver) => receiver.behaviour === 'healthy');
        if (!healthy) throw new Error('a run needs the healthy endpoint');
        stack = await startBenchStack(undefined);
        onStack(stack);
        log(`${label}: stack up (gateway ${stack.gatewayUrl}), endpoints ${receivers.map((r) => r.url).join(', ')}`);
        const users = benchUsers(args.mailboxes, stack.emulatorTlsUrl);
        const warm: Phase = { tag: `${label}w`, count: args.warmup };
        const measured: Phase = { tag: `${label}m`, count: args.cancellations };
        await resetEmulator(stack.emulatorUrl, phaseFixture(users, [warm, measured]));
        await setGraphLatency(stack.emulatorUrl, 0);
        for (const receiver of receivers) await subscribe(stack, receiver);

        if (warm.count > 0) {
            const warmed = await pacedCancels(stack, users, warm, args.ratePerSecond);
            const lacking = await awaitReceipts(healthy, warmed.acceptedAt.keys(), drainTimeoutMs);
            log(`${label}: warm-up of ${warm.count} cancels done${lacking > 0 ? `, ${lacking} not delivered` : ''}`);
        }
        const sent = await pacedCancels(stack, users, measured, args.ratePerSecond);
        const missing = await awaitReceipts(healthy, sent.acceptedAt.keys(), drainTimeoutMs);
        const latencies: number[] = [];
        let firstReceiptMs = Number.POSITIVE_INFINITY;
        let lastReceiptMs = Number.NEGATIVE_INFINITY;
        for (const [id, acceptedMs] of sent.acceptedAt) {
            const receivedMs = healthy.receipts.get(id);
            if (receivedMs === undefined) continue;
            latencies.push(receivedMs - acceptedMs);
            firstReceiptMs = Math.min(firstReceiptMs, receivedMs);
            lastReceiptMs = Math.max(lastReceiptMs, receivedMs);
        }
        return {
            label,
            behaviours,
            cancels: measured.count,
            cancelRate:
                measured.count > 1 ? (measured.count - 1) / ((sent.sentMs - sent.startedMs) / 1000) : Number.NaN,
            latenciesMs: Float64Array.from(latencies).sort(),
            missing,
            // Counted like the cancel rate (intervals between the first and the last), so the two compare.
            deliveriesPerSecond: (latencies.length - 1) / ((lastReceiptMs - firstReceiptMs) / 1000),
            endpoints: receivers.map((r) => ({
                behaviour: r.behaviour,
                verified: r.verified(),
                rejected: r.rejected(),
            })),
        };
    } finally {
        onStack(undefined);
        await stack?.stop();
        for (const receiver of receivers) await receiver.close();
    }
}
