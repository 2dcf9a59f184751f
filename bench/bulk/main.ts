/**
 * bench:bulk — a bulk cancellation job's pacing on the local stack (README "Offboarding", issue 17):
 *
 * One local stack (its own Azurite, the Graph emulator seeded with leavers who organize meetings with attendees,
 * the local host with `BULK_MESSAGES_PER_MINUTE` = `--rate`). The run's length is set by Exchange's 60 s window, not
 * by the rate: the one-mailbox run needs its first minute and one whole paced minute after it, the others one minute
 * each; a higher rate only means more meetings in each, which on a shared 2-core machine makes the parallel run
 * CPU-bound sooner. Jobs go through the public
 * `POST /api/cancellationJobs` (app token with `Cancellations.Admin`); the figures come from the emulator's request
 * log: one mailbox's writes per minute against the configured rate (≥ 90 % sustained, never above it in any 60 s),
 * `--mailboxes` jobs at once against one, requests in flight per mailbox (≤ 4), and with the emulator's sending
 * limit below the gateway's pacing: the job slows down, completes, and every meeting has one outcome and one write.
 * Each goal is printed with what was measured and whether it was met; the exit code is 1 when one was not.
 *
 * Run: `npm run bench:bulk -- [--rate 60] [--mailboxes 10] [--emulator-limit 30]` (`--help` for all options).
 */
import { describeMachine } from '../reconcile/machine';
import { parseBulkBenchArgs, usage } from './args';
import { goalLines, reportLines } from './report';
import { runBulkBench } from './run';

async function main(): Promise<number> {
    let args;
    try {
        args = parseBulkBenchArgs(process.argv.slice(2));
    } catch (error) {
        process.stderr.write(`bench:bulk: ${(error as Error).message}\n\n${usage}\n`);
        return 2;
    }
    if (args === 'help') {
        process.stdout.write(`${usage}\n`);
        return 0;
    }
    console.log(describeMachine());
    const figures = await runBulkBench(args, (line) => console.log(`bench:bulk: ${line}`));
    console.log(reportLines(figures).join('\n'));
    return goalLines(figures).every((line) => line.met) ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(
            `bench:bulk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exit(1);
    },
);
