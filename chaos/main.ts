/**
 * `npm run chaos`: does Cancel Gateway lose or invent anything when everything around it misbehaves?
 *
 * Starts its own Azurite, the Graph emulator (seeded with one event or Bookings appointment per cancellation, over
 * several mailboxes and two businesses, injecting 429/503 with Retry-After and latency), a webhook receiver with two
 * subscriptions that verifies every signature (`standardwebhooks`) and fails a share of deliveries, and the local
 * host as a child process. It sends the cancellations (some with `Idempotency-Key`, some of those repeated), SIGKILLs
 * the host at random moments and restarts it on the same ports, then runs reconciliation until nothing is left to do,
 * and checks: every cancellation Graph performed has a `verified` record; no record claims one Graph did not
 * perform; every subscription received every notification, under exactly one `webhook-id`; nothing was poisoned
 * (nothing unexplained on a poison queue, no notification parked by the poison drain, no delivery failed as
 * `poisoned:`). The figures are the last lines; the exit code is 1 on any violation.
 *
 *   npm run chaos -- --help
 *   npx tsc -p tsconfig.build.json && NODE_EXTRA_CA_CERTS=.dev/ca.pem node dist/chaos/main.js --kills 2
 *
 * Delays the product spreads over minutes are shortened for the host it starts (see chaos/stackEnv.ts); the logic is
 * the same. test/chaos/chaos.test.ts runs a small version of the same run.
 */
import { parseChaosOptions, usage } from './options';
import { reportLines } from './report';
import { runChaos } from './runner';

async function main(): Promise<number> {
    let options;
    try {
        options = parseChaosOptions(process.argv.slice(2));
    } catch (error) {
        process.stderr.write(`chaos: ${(error as Error).message}\n\n${usage}`);
        return 2;
    }
    if (!options) {
        process.stdout.write(usage);
        return 0;
    }
    const figures = await runChaos(options, (line) => process.stdout.write(`chaos: ${line}\n`));
    process.stdout.write(`${reportLines(figures).join('\n')}\n`);
    return figures.checks.violations.length === 0 ? 0 : 1;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        process.stderr.write(`chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
