import { randomUUID } from 'node:crypto';
import { parseBulkCancelArgs, usage, UsageError, type BulkCancelOptions } from './args';
import { GatewayError, gatewayClient, type GatewayClient } from './gatewayClient';
import { formatProgress, formatSummary, progressKey } from './progress';
import { ask, isYes } from './prompt';
import { formatFailures, formatPreviewTable, writesPlanned } from './table';
import { finalStates, type Job } from './wire';

/**
 * `npm run bulk-cancel`: previews a departing user's meetings, asks, starts the job and watches it to the end, through
 * the gateway's public jobs API only (README "Offboarding").
 */

const pollIntervalMs = 1_000;
/** Polls that may fail in a row (the gateway restarting, a redeploy) before the CLI gives up watching. */
const maxPollFailures = 30;
const exitInterrupted = 130;

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function confirm(options: BulkCancelOptions, writes: number): Promise<boolean> {
    if (options.yes) return true;
    if (!process.stdin.isTTY)
        throw new UsageError('stdin is not a terminal, so the CLI cannot ask: pass --yes to start the job');
    const answer = await ask(
        `\nStart the job: ${writes} Graph write(s) from ${options.job.mailbox} (cancels, series ends, declines)? [y/N] `,
    );
    return isYes(answer);
}

/** Redraws one line on a terminal; elsewhere (a log, a pipe) writes a line each time the progress changes. */
function progressPrinter() {
    const tty = process.stdout.isTTY === true;
    let lastKey = '';
    let drawn = false;
    return {
        show(job: Job) {
            if (tty) {
                out(`\r${formatProgress(job, Date.now())}\x1b[K`);
                drawn = true;
            } else if (progressKey(job) !== lastKey) {
                lastKey = progressKey(job);
                out(`${formatProgress(job, Date.now())}\n`);
            }
        },
        /** Ends the redrawn line before anything else is printed. */
        breakLine() {
            if (drawn) out('\n');
            drawn = false;
        },
    };
}

/** Ctrl-C while the job runs: ask whether to stop it (POST …/stop); a second Ctrl-C leaves it running and exits. */
function interruptHandler(client: GatewayClient, jobId: string, progress: ReturnType<typeof progressPrinter>) {
    let asking = false;
    let stopRequested = false;
    const onSigint = () => {
        progress.breakLine();
        if (asking || !process.stdin.isTTY) {
            err(`Job ${jobId} keeps running on the gateway (POST /api/cancellationJobs/${jobId}/stop stops it).\n`);
            process.exit(exitInterrupted);
        }
        asking = true;
        void ask(`Stop job ${jobId}? Meetings already written stay written; no new write starts. [y/N] `).then(
            async (answer) => {
                if (answer === undefined) {
                    err(`Job ${jobId} keeps running on the gateway.\n`);
                    process.exit(exitInterrupted);
                }
                if (isYes(answer) && !stopRequested) {
                    stopRequested = true;
                    try {
                        await client.stop(jobId);
                        out('Stop requested: waiting for the writes under way to finish.\n');
                    } catch (error) {
                        err(`${describeError(error)}\n`);
                        stopRequested = false;
                    }
                }
                asking = false;
            },
        );
    };
    process.on('SIGINT', onSigint);
    return {
        get asking() {
            return asking;
        },
        dispose: () => process.off('SIGINT', onSigint),
    };
}

async function watch(client: GatewayClient, started: Job): Promise<Job> {
    const progress = progressPrinter();
    const interrupt = interruptHandler(client, started.id, progress);
    try {
        let job = started;
        let failures = 0;
        for (;;) {
            if (!interrupt.asking) progress.show(job);
            if (finalStates.includes(job.state)) break;
            await sleep(pollIntervalMs);
            try {
                job = await client.get(job.id);
                failures = 0;
            } catch (error) {
                const transient = error instanceof GatewayError && (error.status === 0 || error.status >= 500);
                if (!transient || ++failures > maxPollFailures) throw error;
            }
        }
        progress.breakLine();
        return job;
    } finally {
        interrupt.dispose();
    }
}

function describeError(error: unknown): string {
    if (error instanceof GatewayError)
        return error.status === 0
            ? `bulk-cancel: could not reach the gateway (${error.code}): ${error.message}`
            : `bulk-cancel: the gateway answered ${error.status}: ${error.code}: ${error.message}`;
    return `bulk-cancel: ${error instanceof Error ? error.message : String(error)}`;
}

async function main(): Promise<number> {
    const parsed = parseBulkCancelArgs(process.argv.slice(2), process.env);
    if (parsed.help) {
        out(usage);
        return 0;
    }
    const { options } = parsed;
    const client = gatewayClient(options.gatewayUrl, options.token);

    const plan = await client.preview(options.job);
    out(`${formatPreviewTable(plan)}\n`);
    if (options.dryRun) {
        out('Dry run: nothing was written.\n');
        return 0;
    }
    const writes = writesPlanned(plan);
    if (writes === 0) {
        out('Nothing to write: no job started.\n');
        return 0;
    }
    if (!(await confirm(options, writes))) {
        out('Not started: nothing was written.\n');
        return 1;
    }

    const idempotencyKey = randomUUID();
    const created = await client.create(options.job, idempotencyKey);
    out(`Job ${created.id} started (GET /api/cancellationJobs/${created.id}).\n`);
    const job = await watch(client, created);
    out(`${formatSummary(job)}\n`);

    const failed = job.counts?.byOutcome.failed ?? 0;
    if (failed > 0) out(`\n${formatFailures(await client.items(job.id, 'failed'))}\n`);
    const unknown = job.counts?.byOutcome.unknown ?? 0;
    if (unknown > 0)
        out(`${unknown} meeting(s) have an unknown outcome (a crash interrupted the write): check them in Outlook.\n`);
    return job.state === 'completed' && failed === 0 && unknown === 0 ? 0 : 1;
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        if (error instanceof UsageError) {
            err(`bulk-cancel: ${error.message}\n\n${usage}`);
            process.exitCode = 2;
            return;
        }
        err(`${describeError(error)}\n`);
        process.exitCode = 1;
    },
);
