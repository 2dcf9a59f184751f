/**
 * bench:reconcile — what re-verifying due cancellations costs (docs/graph.md §5):
 *
 * 1. Graph: N due records in M mailboxes (default 10,000 in 50) against the Graph emulator with 50 ms latency on
 *    every request, verified (a) with reconciliation's lookups as the app composes them (`reconcileLookups` in
 *    src/composition/services.ts: `$batch` of 20, one batch per mailbox in flight, at most
 *    RECONCILE_MAX_BATCHES_IN_FLIGHT overall) and (b) with one plain GET per record in a loop. Requests are counted
 *    from the emulator's request log (top-level requests, what Graph's throttling counts), time on the wall clock.
 *    The batched time is set against the floor, records × latency / (mailboxes × 4), and the most requests the
 *    emulator saw running against one mailbox at once against Outlook's 4.
 * 2. Tables: entities the cancellation store's `listDue` reads (the store as the composition root builds it) with
 *    100 due records and 0, then 100,000, history ones.
 *
 * The product's parts come from the composition root only: bench/ may not import src/adapters (eslint.config.mjs).
 *
 * Prints the machine first and the figures as the last lines. Loopback only; starts and stops its own emulator and
 * Azurite. Run: `npm run build && npm run bench:reconcile -- [--records N] [--naive-sample K] [--history H]`.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ensureDevTls } from '../../dev/tls/devCa';
import { parseBenchArgs, usage } from './args';
import { installInterruptHandlers } from './cleanup';
import { seconds } from './format';
import { type GraphResult, graphSummary, runGraphPart } from './graphPart';
import { describeMachine } from './machine';
import { runTablePart, type TableResult, tableSummary } from './tablePart';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
    const args = parseBenchArgs(process.argv.slice(2));
    if (args === 'help') {
        log(usage);
        return;
    }
    installInterruptHandlers();
    log(describeMachine());
    log(
        `bench:reconcile: records ${args.records}, mailboxes ${args.mailboxes}, naive sample ${args.naiveSample}, ` +
            `latency ${args.latencyMs} ms, due ${args.due}, history ${args.history}, part ${args.part}`,
    );
    const started = performance.now();
    let graph: GraphResult | undefined;
    let table: TableResult | undefined;
    if (args.part !== 'table') graph = await runGraphPart(args, log);
    if (args.part !== 'graph') table = await runTablePart(args, log);
    log(`total ${seconds(performance.now() - started)}`);
    if (graph) log(graphSummary(graph));
    if (table) log(tableSummary(table));
}

const devCaPath = ensureDevTls().caPath;
if (process.env.NODE_EXTRA_CA_CERTS === devCaPath) {
    main().catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
} else {
    // The batches go to the emulator's https twin, as the gateway's Graph SDK client only authenticates https hosts;
    // Node reads the CA to trust only at start-up, hence the second process.
    const child = spawnSync(process.execPath, process.argv.slice(1), {
        stdio: 'inherit',
        env: { ...process.env, NODE_EXTRA_CA_CERTS: devCaPath },
    });
    process.exitCode = child.status ?? 1;
}
