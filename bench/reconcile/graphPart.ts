import { performance } from 'node:perf_hooks';
import type { TokenCredential } from '@azure/identity';
import type { RunningGraphEmulator } from '../../dev/graph-emulator/server';
import { devTenant, graphAudience } from '../../dev/identity/devTenant';
import { mintToken } from '../../dev/identity/mintToken';
import { reconcileLookupOptions, reconcileLookups, reconcileLookupUrl } from '../../src/composition/services';
import type { ItemLookup } from '../../src/domain/reconciliation/graphLookups';
import type { BenchArgs } from './args';
import { stopOnInterrupt } from './cleanup';
import { startEmulatorProcess } from './emulatorProcess';
import { count, ratio, seconds } from './format';
import { graphPlan } from './graphFixture';
import { lastLoggedSeq, type RequestCount, RequestTally } from './requestTally';

/** The options the app composes reconciliation's lookups with (src/composition/services.ts), for the report. */
const productionOptions = reconcileLookupOptions;
/** The batched run must finish well within this; it is only a bound, never reached in a healthy run. */
const batchedBudgetMs = 15 * 60_000;
const requestTimeoutMs = 30_000;
/** Outlook's concurrent requests per app and mailbox: what the floor assumes every mailbox keeps busy. */
const requestsPerMailboxLimit = 4;
/** Issue 19's goal: the batched run within this multiple of the floor. */
const goalTimesFloor = 2;

export interface PhaseResult {
    readonly records: number;
    readonly requests: RequestCount;
    readonly wallMs: number;
    /** Records answered 200 with the event (the rest is a failure of the bench, reported). */
    readonly ok: number;
}

export interface GraphResult {
    readonly records: number;
    readonly mailboxes: number;
    readonly latencyMs: number;
    readonly batched: PhaseResult & { readonly throttled: number; readonly graphCalls: number };
    /** records × latency / (mailboxes × 4): every mailbox at Outlook's 4 concurrent requests the whole time. */
    readonly floorMs: number;
    /** Measured on the first `naiveSample` records. */
    readonly naive: PhaseResult;
    /** The naive loop's figures for all records: measured when the sample is all of them, else extrapolated. */
    readonly naiveForAll: { readonly requests: number; readonly wallMs: number; readonly extrapolated: boolean };
}

async function admin(emulator: RunningGraphEmulator, method: string, path: string, body?: unknown): Promise<void> {
    const response = await fetch(`${emulator.url}/_emulator${path}`, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(requestTimeoutMs),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
}

/** Runs `work` with the emulator's request log cleared before and tallied throughout. */
async function tallied<T>(
    emulator: RunningGraphEmulator,
    work: () => Promise<T>,
): Promise<{ value: T; requests: RequestCount }> {
    const afterSeq = await lastLoggedSeq(emulator.url);
    await admin(emulator, 'DELETE', '/requests');
    const tally = new RequestTally(emulator.url, afterSeq);
    tally.start();
    let value: T;
    try {
        value = await work();
    } catch (error) {
        // Stop the poller; the failure of `work` is what gets reported.
        await tally.stop().catch(() => undefined);
        throw error;
    }
    return { value, requests: await tally.stop() };
}

function isEventAnswer(item: ItemLookup, status: number, body: unknown): boolean {
    const event = body as { id?: unknown; isCancelled?: unknown } | undefined;
    return (
        status === 200 &&
        typeof event?.id === 'string' &&
        event.isCancelled === false &&
        decodeURIComponent(reconcileLookupUrl(item.target)).includes(`/events/${event.id}?`)
    );
}

async function naiveGet(emulator: RunningGraphEmulator, token: string, item: ItemLookup): Promise<boolean> {
    const response = await fetch(`${emulator.url}/${item.version}${reconcileLookupUrl(item.target)}`, {
        headers: { Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const text = await response.text();
    return isEventAnswer(item, response.status, text ? (JSON.parse(text) as unknown) : undefined);
}

export async function runGraphPart(args: BenchArgs, log: (line: string) => void): Promise<GraphResult> {
    const started = performance.now();
    const plan = graphPlan(args.records, args.mailboxes);
    const mailboxes = Math.min(args.records, args.mailboxes);
    // In a process of its own, as Graph is: its work is not reconciliation's (emulatorProcess.ts).
    const emulator = await startEmulatorProcess(args.records, args.mailboxes);
    const unregister = stopOnInterrupt(() => emulator.close());
    try {
        log(
            `graph: emulator at ${emulator.url} with ${count(args.records)} events in ${mailboxes} mailboxes ` +
                `in its own process (started in ${seconds(performance.now() - started)})`,
        );
        const token = mintToken({
            app: devTenant.gatewayGraphClient.clientId,
            roles: ['Calendars.ReadWrite'],
            audience: graphAudience,
            version: 1,
            issuerHost: emulator.tlsUrl,
        });
        const credential: TokenCredential = {
            getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
        };
        // Reconciliation's lookups exactly as the app composes them, pointed at the emulator.
        const maxBatchesInFlight = args.maxBatchesInFlight ?? productionOptions.maxBatchesInFlight;
        const lookups = reconcileLookups(
            { baseUrl: emulator.tlsUrl, credential, timeoutMs: requestTimeoutMs },
            maxBatchesInFlight,
        );

        // Every Graph request, top-level or inside a `$batch`, waits `latencyMs` before it is handled.
        await admin(emulator, 'PUT', '/faults', [{ latencyMs: args.latencyMs }]);
        log(`graph: latency fault ${args.latencyMs} ms on every Graph request (top-level and each $batch item)`);

        // Warm-up (connections, JIT, token validation) on a handful of records, outside both measurements.
        const warm = plan.items.slice(0, Math.min(plan.items.length, 2 * mailboxes));
        await lookups(warm, { deadline: Date.now() + 60_000 });
        for (const item of warm.slice(0, 3)) await naiveGet(emulator, token, item);

        // (a) Batched: reconciliation's lookups over every record.
        const batchedRun = await tallied(emulator, async () => {
            const t0 = performance.now();
            const report = await lookups(plan.items, { deadline: Date.now() + batchedBudgetMs });
            return { report, wallMs: performance.now() - t0 };
        });
        const { report } = batchedRun.value;
        if (report.error !== undefined) throw new Error('batched run failed', { cause: report.error });
        const ok = plan.items.filter((item) => {
            const answer = report.answers.get(item.id);
            return answer !== undefined && isEventAnswer(item, answer.status, answer.body);
        }).length;
        if (ok !== plan.items.length || !batchedRun.requests.complete) {
            throw new Error(
                `batched run: ${ok} of ${plan.items.length} answered with their event, request log ` +
                    `${batchedRun.requests.complete ? 'complete' : 'incomplete'}: figures would be wrong`,
            );
        }
        const batched = {
            records: plan.items.length,
            requests: batchedRun.requests,
            wallMs: batchedRun.value.wallMs,
            ok,
            throttled: report.throttled,
            graphCalls: report.graphCalls,
        };
        const floorMs = (plan.items.length * args.latencyMs) / (mailboxes * requestsPerMailboxLimit);
        log(
            `batched (reconciliation's lookups: lookupMany, maxPerMailbox ${productionOptions.maxPerMailbox}, maxBatchesInFlight ` +
                `${maxBatchesInFlight}, batchSize ${productionOptions.batchSize}): ` +
                `${count(batched.records)} records -> ${count(batched.requests.topLevel)} top-level requests ` +
                `(${count(batched.requests.inBatch)} items inside $batch), ${seconds(batched.wallMs)}; ` +
                `${count(ok)} answered 200 with the event, ${count(report.unfinished.length)} unfinished, ` +
                `${count(report.throttled)} throttled; engine counted ${count(report.graphCalls)} batches; ` +
                `request log ${batched.requests.complete ? 'complete' : 'INCOMPLETE'}`,
        );
        log(floorLine(batched.wallMs, floorMs));
        log(perMailboxLine(batched.requests.maxInFlightPerMailbox));

        // (b) Naive: one plain GET per record, one after another.
        const sample = plan.items.slice(0, args.naiveSample);
        log(
            `naive: timing one GET per record on ${count(sample.length)} of ${count(plan.items.length)} records ` +
                `(~${seconds(sample.length * (args.latencyMs + 2))} expected)...`,
        );
        const naiveRun = await tallied(emulator, async () => {
            const t0 = performance.now();
            let good = 0;
            for (const item of sample) {
                if (await naiveGet(emulator, token, item)) good += 1;
            }
            return { ok: good, wallMs: performance.now() - t0 };
        });
        const naive = {
            records: sample.length,
            requests: naiveRun.requests,
            wallMs: naiveRun.value.wallMs,
            ok: naiveRun.value.ok,
        };
        if (naive.ok !== sample.length || !naive.requests.complete) {
            throw new Error(
                `naive run: ${naive.ok} of ${sample.length} answered with their event, request log ` +
                    `${naive.requests.complete ? 'complete' : 'incomplete'}: figures would be wrong`,
            );
        }
        const extrapolated = sample.length < plan.items.length;
        const scale = plan.items.length / sample.length;
        const naiveForAll = {
            requests: Math.round(naive.requests.topLevel * scale),
            wallMs: naive.wallMs * scale,
            extrapolated,
        };
        log(
            `naive (for ... await fetch), measured: ${count(naive.records)} records -> ` +
                `${count(naive.requests.topLevel)} top-level requests, ${seconds(naive.wallMs)} ` +
                `(${(naive.wallMs / naive.records).toFixed(1)} ms per record); ${count(naive.ok)} answered 200 ` +
                `with the event; request log ${naive.requests.complete ? 'complete' : 'INCOMPLETE'}`,
        );
        if (extrapolated) {
            log(
                `naive, EXTRAPOLATED to ${count(plan.items.length)} records (x${ratio(plan.items.length, sample.length)} ` +
                    `of the measured sample): ${count(naiveForAll.requests)} requests, ${seconds(naiveForAll.wallMs)}`,
            );
        }
        return {
            records: plan.items.length,
            mailboxes,
            latencyMs: args.latencyMs,
            batched,
            floorMs,
            naive,
            naiveForAll,
        };
    } finally {
        unregister();
        await emulator.close();
    }
}

const met = (ok: boolean): string => (ok ? 'met' : 'not met');

/** The batched time against the floor, with the goal (≤ 2× the floor) and whether it was met. */
function floorLine(wallMs: number, floorMs: number): string {
    const floor = `floor: records x latency / (mailboxes x ${requestsPerMailboxLimit}) = ${seconds(floorMs)}`;
    if (floorMs === 0) return `${floor}; no ratio at 0 ms latency (goal <= ${goalTimesFloor}x the floor not judged)`;
    const times = wallMs / floorMs;
    return (
        `${floor}; batched ${seconds(wallMs)} = ${times.toFixed(2)}x the floor; goal <= ${goalTimesFloor}x: ` +
        met(times <= goalTimesFloor)
    );
}

/** Outlook's limit as the emulator saw it: never more than 4 requests running against one mailbox. */
function perMailboxLine(maxInFlight: number): string {
    return (
        `requests in flight per mailbox (emulator's request log): at most ${maxInFlight}; goal <= ` +
        `${requestsPerMailboxLimit}: ${met(maxInFlight <= requestsPerMailboxLimit)}`
    );
}

/** The figures lines: batched vs naive, absolute and as ratios, then the batched run against the floor. */
export function graphSummary(result: GraphResult): string {
    const { batched, naive, naiveForAll } = result;
    const naiveLabel = naiveForAll.extrapolated
        ? `naive: ${count(naiveForAll.requests)} requests, ${seconds(naiveForAll.wallMs)} EXTRAPOLATED from ` +
          `${count(naive.records)} measured (${count(naive.requests.topLevel)} requests, ${seconds(naive.wallMs)})`
        : `naive: ${count(naive.requests.topLevel)} requests, ${seconds(naive.wallMs)}`;
    return (
        `batched: ${count(batched.requests.topLevel)} requests, ${seconds(batched.wallMs)}; ${naiveLabel}; ` +
        `requests ratio ${ratio(naiveForAll.requests, batched.requests.topLevel)}, ` +
        `time ratio ${ratio(naiveForAll.wallMs, batched.wallMs)} ` +
        `(${count(result.records)} records, ${result.mailboxes} mailboxes, ${result.latencyMs} ms latency)\n` +
        `${floorLine(batched.wallMs, result.floorMs)}\n${perMailboxLine(batched.requests.maxInFlightPerMailbox)}`
    );
}
