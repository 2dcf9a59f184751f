/**
 * `npm run chaos:bulk`: does a bulk cancellation job survive its host being SIGKILLed?
 *
 * Starts its own Azurite, the Graph emulator seeded with a leaver who organizes 300 meetings with attendees
 * (chaos/bulkFixture.ts), and the local host as a child process (chaos/hostSupervisor.ts) with a fast
 * BULK_MESSAGES_PER_MINUTE. Starts one job through `POST /api/cancellationJobs` (app token with
 * `Cancellations.Admin`), SIGKILLs the host twice while it runs and restarts it on the same ports, waits for the job to
 * end, runs reconciliation until settled, and checks from the public API and the emulator's request log: the job
 * completed, each meeting has exactly one item and outcome, the counts add up, Graph saw exactly one write per
 * meeting, each cancelled meeting is cancelled in the mailbox and its record verified. The figures are the last
 * lines; the exit code is 1 on any violation.
 *
 *   npm run chaos:bulk -- --help
 *   npx tsc -p tsconfig.build.json && node dist/chaos/bulkMain.js --meetings 300 --kills 2
 */
import { bulkUsage, parseBulkChaosOptions } from './bulkOptions';
import { bulkReportLines } from './bulkReport';
import { runBulkChaos } from './bulkRunner';

async function main(): Promise<number> {
    let options;
    try {
        options = parseBulkChaosOptions(process.argv.slice(2));
    } catch (error) {
        process.stderr.write(`chaos bulk: ${(error as Error).message}\n\n${bulkUsage}`);
        return 2;
    }
    if (!options) {
        process.stdout.write(bulkUsage);
        return 0;
    }
    const figures = await runBulkChaos(options, (line) => process.stdout.write(`chaos bulk: ${line}\n`));
    process.stdout.write(`${bulkReportLines(figures).join('\n')}\n`);
    return figures.checks.violations.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(
            `chaos bulk: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
        process.exit(1);
    },
);
