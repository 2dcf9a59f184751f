/**
 * bench:webhooks — isolation of a healthy webhook endpoint from a hanging one and a failing one (issue 13, README
 * "Webhook notifications"):
 *
 * Run A: one subscription (`event.cancelled`), a healthy endpoint answering 204. Run B: the same plus an endpoint
 * that never answers (each delivery waits for the host's WEBHOOK_TIMEOUT_MS, set low for the bench) and one
 * answering 503; three subscriptions, each endpoint its own loopback server in this process, each verifying the
 * Standard Webhooks signature. Both runs send the same number of event cancels through the gateway's HTTP API at
 * the same open-loop pace, each on a fresh local stack (in-memory Azurite, the Graph emulator, the local host from
 * dist/). Latency is per cancel: the healthy endpoint's receipt minus the cancel's 202. Retries of the failing
 * endpoints follow the host's WEBHOOK_RETRY_SCHEDULE_SECONDS (sample settings) and run during the measurement.
 *
 * Prints the machine first and the figures as the last lines. Loopback only; starts and stops its own processes.
 * Run: `npm run bench:webhooks -- [--cancellations N] [--rate R] [--timeout-ms MS] [--warmup W] [--mailboxes M]
 *      [--others hanging,unavailable]`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../dev/paths';
import { describeMachine } from '../reconcile/machine';
import { ms, overhead, quantile } from '../gateway/figures';
import type { BenchStack } from '../gateway/stack';
import { parseWebhookBenchArgs, usage } from './args';
import { type RunResult, runOnce } from './run';

const log = (line: string): void => console.log(line);
/** p50 of B over p50 of A at or below this: the failing endpoints did not slow the healthy one. */
const goalRatio = 1.25;

function describe(result: RunResult): string {
    const p = (q: number): string => ms(quantile(result.latenciesMs, q));
    const endpoints = result.endpoints
        .map((e) => `${e.behaviour} ${e.verified} verified${e.rejected > 0 ? `, ${e.rejected} REJECTED` : ''}`)
        .join('; ');
    return (
        `run ${result.label} (${result.behaviours.join(' + ')}): ${result.cancels} cancels at ` +
        `${result.cancelRate.toFixed(1)}/s; healthy endpoint cancel-to-receipt p50 ${p(0.5)}, p99 ${p(0.99)}, ` +
        `max ${p(1)}; ${result.deliveriesPerSecond.toFixed(1)} deliveries/s` +
        `${result.missing > 0 ? `; ${result.missing} NOT RECEIVED (quantiles over the received)` : ''}; ` +
        `deliveries seen: ${endpoints}`
    );
}

/**
 * The queue trigger's concurrency from host.json: a new batch is fetched only when in-flight messages drop to
 * `newBatchThreshold`, so each queue function has at most `batchSize + newBatchThreshold` deliveries under way per
 * host, hanging or not; the first-attempt lane and the retry lane are two functions, each with its own.
 */
function queueConcurrency(): string {
    const hostJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'host.json'), 'utf8')) as {
        extensions?: { queues?: { batchSize?: number; newBatchThreshold?: number } };
    };
    const batchSize = hostJson.extensions?.queues?.batchSize ?? 16;
    const threshold = hostJson.extensions?.queues?.newBatchThreshold ?? Math.floor(batchSize / 2);
    return (
        `host.json queues: batchSize ${batchSize}, newBatchThreshold ${threshold}: at most ` +
        `${batchSize + threshold} deliveries in flight per lane (webhook-deliveries, webhook-deliveries-retry) per host`
    );
}

/** Run A must keep up with the pace, or the ratio compares two saturated pipelines (CPU), not isolation. */
function saturationWarning(a: RunResult): string | undefined {
    if (a.missing === 0 && a.deliveriesPerSecond >= 0.9 * a.cancelRate) return undefined;
    return (
        `warning: run A delivered ${a.deliveriesPerSecond.toFixed(1)}/s for ${a.cancelRate.toFixed(1)} cancels/s: ` +
        `the healthy pipeline alone is saturated on this machine; lower --rate to measure isolation`
    );
}

async function main(): Promise<void> {
    const args = parseWebhookBenchArgs(process.argv.slice(2));
    if (args === 'help') {
        log(usage);
        return;
    }
    // The stack's host inherits this process's environment, which wins over the sample settings.
    process.env.WEBHOOK_TIMEOUT_MS = String(args.webhookTimeoutMs);
    log(describeMachine());
    log(
        `bench:webhooks: ${args.cancellations} cancels per run at ${args.ratePerSecond}/s, warm-up ${args.warmup}, ` +
            `${args.mailboxes} mailboxes, WEBHOOK_TIMEOUT_MS=${args.webhookTimeoutMs} (lowered for the bench; ` +
            `production default 15000), other webhook settings as in local.settings.sample.json`,
    );
    let running: BenchStack | undefined;
    for (const [signal, code] of [
        ['SIGINT', 130],
        ['SIGTERM', 143],
    ] as const) {
        process.once(signal, () => {
            console.error(`bench:webhooks: ${signal}, stopping the stack`);
            void (running?.stop() ?? Promise.resolve()).finally(() => process.exit(code));
        });
    }
    const track = (stack: BenchStack | undefined): void => void (running = stack);
    const a = await runOnce('A', ['healthy'], args, log, track);
    log(describe(a));
    const b = await runOnce('B', ['healthy', ...args.others], args, log, track);
    log(describe(b));
    for (const endpoint of b.endpoints) {
        if (endpoint.verified === 0) throw new Error(`run B: the ${endpoint.behaviour} endpoint got no delivery`);
    }

    const p50 = (r: RunResult): number => quantile(r.latenciesMs, 0.5);
    const p99 = (r: RunResult): number => quantile(r.latenciesMs, 0.99);
    const met = b.missing === 0 && p50(b) / p50(a) <= goalRatio;
    log('--- figures ---');
    log(describeMachine());
    log(queueConcurrency());
    log(describe(a));
    log(describe(b));
    const warning = saturationWarning(a);
    if (warning !== undefined) log(warning);
    log(`ratio B/A: p50 ${overhead(p50(b), p50(a))}, p99 ${overhead(p99(b), p99(a))}`);
    log(
        `goal: ratio ≤ ${goalRatio} (p50), ${met ? 'met' : 'not met'}` +
            `${b.missing > 0 ? ` (run B left ${b.missing} undelivered)` : ''}`,
    );
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
