import { ensureDevTls } from '../dev/tls/devCa';
import { type BulkCheckResult, checkBulkRun } from './bulkChecks';
import { bulkChaosTenant } from './bulkFixture';
import type { BulkChaosOptions } from './bulkOptions';
import { clearGraphRequests, graphRequests, type JobView, jobsApi, mailboxItems } from './bulkViews';
import { adminRoles, gatewayAdmin, tokenSource } from './gatewayClient';
import type { HostSupervisor } from './hostSupervisor';
import { killDuringWrite } from './bulkKills';
import { killSchedule } from './killSchedule';
import { seededRandom } from './random';
import { type SettleResult, settle } from './settle';
import { startChaosStack } from './stack';

const pollIntervalMs = 250;
const finalStates = new Set(['completed', 'stopped', 'failed']);

export interface BulkChaosFigures {
    readonly options: BulkChaosOptions;
    readonly kills: number;
    readonly killsDuringJob: number;
    /** Kills that landed while a cancel was at Graph (`--kill-at write`). */
    readonly killsMidWrite: number;
    readonly hostStarts: number;
    /** From the job's 202 to the first poll that saw it final. */
    readonly jobMs: number;
    /** Polls of the job that got no answer (the host was down or restarting). */
    readonly unansweredPolls: number;
    /** Cancellation records per state when the job was seen final (before reconciliation settled them). */
    readonly recordsAtJobEnd: Record<string, number>;
    readonly settle: SettleResult;
    readonly checks: BulkCheckResult;
    readonly wallMs: number;
    readonly hostLog: string;
}

/**
 * One bulk chaos run: its own Azurite, the Graph emulator seeded with a leaver who organizes `meetings` meetings, the
 * local host as a child process; a job started through `POST /api/cancellationJobs`, the host SIGKILLed and restarted
 * `kills` times while it runs (at seeded points of its progress), then reconciliation until settled, then the checks.
 */
export async function runBulkChaos(
    options: BulkChaosOptions,
    progress: (line: string) => void = () => {},
): Promise<BulkChaosFigures> {
    const wallStarted = Date.now();
    const random = seededRandom(options.seed);
    ensureDevTls();
    const tenant = bulkChaosTenant(options.meetings, random);
    const cleanups: Array<() => Promise<void>> = [];
    try {
        const { azurite, emulator, host, hostLog } = await startChaosStack({
            name: 'chaos-bulk',
            fixture: tenant.fixture,
            env: { BULK_MESSAGES_PER_MINUTE: String(options.messagesPerMinute) },
            verbose: options.verbose,
            cleanups,
        });
        progress(`stack up: gateway ${host.url}, emulator ${emulator.url}; host log ${hostLog}`);

        const token = tokenSource(emulator.tlsUrl);
        const jobs = jobsApi(host.url, () => token(adminRoles));
        const admin = gatewayAdmin(host.url, () => token(adminRoles));
        await clearGraphRequests(emulator.url);
        const location = await jobs.start({
            mailbox: tenant.mailbox,
            window: tenant.window,
            organized: 'cancel',
            series: 'cancel',
            invited: 'leave',
            comment: 'Chaos run: the organizer has left.',
        });
        const jobStarted = Date.now();
        progress(`job ${location} started for ${options.meetings} meetings of ${tenant.mailbox}`);

        const killed = options.killAt === 'write' ? killDuringWrite(host, emulator.url) : undefined;
        const kills = killSchedule(killed ?? host, options.kills, options.meetings, random);
        const watched = await watchJob(
            () => jobs.job(location),
            host,
            (done) => {
                kills.onProgress(done);
            },
            options.timeoutMs,
            progress,
        );
        const jobMs = Date.now() - jobStarted;
        await kills.finished();
        if (kills.errors.length > 0) throw new Error(`the host did not come back: ${kills.errors.join('; ')}`);
        progress(`job ${watched.job?.state ?? 'not final'} after ${(jobMs / 1000).toFixed(1)} s; settling`);

        // A cancel the kill cut off mid-call stays pending until reconciliation takes over its abandoned attempt.
        const recordsAtJobEnd = countStates(await admin.records());
        const settled = await settle(admin, azurite.connectionString, Math.max(1, options.timeoutMs - jobMs));
        const items = await jobs.items(location);
        const records = await admin.records();
        const checks = checkBulkRun({
            seeded: (tenant.fixture.events ?? []).map((e) => e.id ?? ''),
            job: await jobs.job(location),
            items,
            requests: await graphRequests(emulator.url),
            mailbox: await mailboxItems(emulator.url, tenant.mailbox),
            recordStates: new Map(records.map((r) => [r.id, r.state])),
            killsAsked: options.kills,
            killsDuringJob: watched.killsDuringJob,
        });
        if (!watched.job) checks.violations.unshift(`the job did not end within ${options.timeoutMs / 1000} s`);
        if (!settled.settled) checks.violations.unshift(`did not settle: ${settled.lastBusy}`);
        if (checks.violations.length > 0) progress(`host output, last lines:\n${host.tail(40).join('\n')}`);
        return {
            options,
            kills: host.kills,
            killsDuringJob: watched.killsDuringJob,
            killsMidWrite: killed?.midWrite ?? 0,
            hostStarts: host.starts,
            jobMs,
            unansweredPolls: watched.unansweredPolls,
            recordsAtJobEnd,
            settle: settled,
            checks,
            wallMs: Date.now() - wallStarted,
            hostLog,
        };
    } finally {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    }
}

/**
 * Polls the job until it is final or the deadline passes, telling `onProgress` how many meetings are done (a kill
 * cuts polls off too: they are counted, not fatal). The kills made before the job was seen final landed during it.
 */
async function watchJob(
    read: () => Promise<JobView>,
    host: HostSupervisor,
    onProgress: (done: number) => void,
    timeoutMs: number,
    progress: (line: string) => void,
): Promise<{ job: JobView | undefined; killsDuringJob: number; unansweredPolls: number }> {
    const started = Date.now();
    let unansweredPolls = 0;
    let reported = 0;
    while (Date.now() - started < timeoutMs) {
        let job: JobView | undefined;
        try {
            job = await read();
        } catch {
            unansweredPolls++;
        }
        if (job) {
            const outcomes = job.counts?.byOutcome ?? {};
            const done = (job.counts?.total ?? 0) - (outcomes.pending ?? 0) - (outcomes.inFlight ?? 0);
            if (finalStates.has(job.state)) return { job, killsDuringJob: host.kills, unansweredPolls };
            onProgress(job.state === 'planning' ? 0 : done);
            if (done - reported >= 50) {
                reported = done;
                progress(`${done}/${job.counts?.total ?? '?'} meetings done (${job.state}), ${host.kills} kills`);
            }
        }
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    return { job: undefined, killsDuringJob: host.kills, unansweredPolls };
}

function countStates(records: readonly { state: string }[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of records) counts[record.state] = (counts[record.state] ?? 0) + 1;
    return counts;
}
