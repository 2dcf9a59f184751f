import { writtenEventId } from '../../chaos/bulkChecks';
import { type JobItemView, type JobView, jobsApi, mailboxItems } from '../../chaos/bulkViews';
import { adminRoles, tokenSource } from '../../chaos/gatewayClient';
import { startChaosStack } from '../../chaos/stack';
import { ensureDevTls } from '../../dev/tls/devCa';
import type { BulkBenchArgs } from './args';
import { type BulkBenchTenant, bulkBenchTenant, type Leaver } from './fixture';
import {
    byMailbox,
    isAcceptedWrite,
    isThrottledWrite,
    type LoggedRequest,
    maxInAnyMinute,
    maxInFlight,
    peakInFlight,
    sustainedPerMinute,
} from './figures';

/** The figures come from the request log; polls only tell when a job ended, so they stay few on a busy machine. */
const pollIntervalMs = 1_000;
const jobTimeoutMs = 10 * 60_000;
const finalStates = new Set(['completed', 'stopped', 'failed']);

/** What one mailbox's job did, from the public API and the emulator's request log. */
export interface MailboxFigures {
    readonly mailbox: string;
    readonly meetings: number;
    readonly state: string;
    /** Items per outcome. */
    readonly outcomes: Record<string, number>;
    /** Accepted Graph writes (2xx). */
    readonly writes: number;
    /** Writes Graph refused with 429. */
    readonly throttled: number;
    /** Meetings that got exactly one accepted write. */
    readonly meetingsWrittenOnce: number;
    readonly maxWritesInAnyMinute: number;
    readonly sustainedPerMinute: number | undefined;
    readonly maxInFlight: number;
    /** The calls in flight together at the peak ({@link maxInFlight}), one line each. */
    readonly peakInFlight: readonly string[];
    /** When Graph received each accepted write (epoch ms), in order. */
    readonly writeTimes: readonly number[];
}

export interface PhaseFigures {
    /** When the jobs were started (epoch ms, just before the first POST). */
    readonly startedAtMs: number;
    /** From the first 202 to the last job seen final. */
    readonly wallMs: number;
    readonly mailboxes: readonly MailboxFigures[];
}

export interface BulkBenchFigures {
    readonly args: BulkBenchArgs;
    readonly one: PhaseFigures;
    readonly parallel: PhaseFigures;
    readonly throttled: PhaseFigures;
    readonly hostLog: string;
}

/**
 * The bench's three runs on one local stack (its own Azurite, the Graph emulator in this process, the local host as
 * a child with `BULK_MESSAGES_PER_MINUTE` = `args.messagesPerMinute`): one mailbox's job alone, `args.mailboxes`
 * jobs at once, then one job with the emulator's sending limit below the gateway's pacing.
 */
export async function runBulkBench(args: BulkBenchArgs, progress: (line: string) => void): Promise<BulkBenchFigures> {
    ensureDevTls();
    const tenant = bulkBenchTenant([
        args.meetings,
        ...Array.from({ length: args.mailboxes }, () => args.parallelMeetings),
        args.throttledMeetings,
    ]);
    const cleanups: Array<() => Promise<void>> = [];
    try {
        const { emulator, host, hostLog } = await startChaosStack({
            name: 'bench-bulk',
            fixture: tenant.fixture,
            env: {
                BULK_MESSAGES_PER_MINUTE: String(args.messagesPerMinute),
                // Nothing is killed here: a message being worked stays hidden for the whole slice, as the Functions
                // host keeps it (the chaos settings shorten this to 8 s, so a worker's 2-minute slice would be
                // handed to a second worker while it runs).
                LOCAL_HOST_QUEUE_PROCESSING_VISIBILITY_SECONDS: '600',
            },
            verbose: args.verbose,
            cleanups,
        });
        progress(`stack up: gateway ${host.url}, emulator ${emulator.url}; host log ${hostLog}`);
        const token = tokenSource(emulator.tlsUrl);
        const jobs = jobsApi(host.url, () => token(adminRoles));
        const phase = (leavers: readonly Leaver[]) =>
            runPhase({ tenant, leavers, jobs, emulatorUrl: emulator.url }, progress);

        const [first, ...rest] = tenant.leavers;
        const parallelLeavers = rest.slice(0, args.mailboxes);
        const throttledLeaver = rest[args.mailboxes];
        if (!first || !throttledLeaver) throw new Error('the bench tenant has too few leavers');

        progress(`one mailbox: ${args.meetings} meetings at ${args.messagesPerMinute} messages/min`);
        const one = await phase([first]);
        progress(`${args.mailboxes} mailboxes at once: ${args.parallelMeetings} meetings each`);
        const parallel = await phase(parallelLeavers);
        progress(
            `throttled: ${args.throttledMeetings} meetings, emulator sendingLimit ${args.emulatorLimit}/min ` +
                `below the gateway's ${args.messagesPerMinute}/min`,
        );
        await setSendingLimit(emulator.url, args.emulatorLimit);
        const throttled = await phase([throttledLeaver]);
        return { args, one, parallel, throttled, hostLog };
    } finally {
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    }
}

interface PhaseContext {
    readonly tenant: BulkBenchTenant;
    readonly leavers: readonly Leaver[];
    readonly jobs: ReturnType<typeof jobsApi>;
    readonly emulatorUrl: string;
}

/** Starts one job per leaver at once, waits until all are final, then reads the figures. */
async function runPhase(context: PhaseContext, progress: (line: string) => void): Promise<PhaseFigures> {
    const { jobs, leavers, tenant } = context;
    await clearRequests(context.emulatorUrl);
    const started = Date.now();
    const locations = await Promise.all(
        leavers.map((leaver) =>
            jobs.start({
                mailbox: leaver.userPrincipalName,
                window: tenant.window,
                organized: 'cancel',
                series: 'cancel',
                invited: 'leave',
                comment: 'Bulk bench: the organizer has left.',
            }),
        ),
    );
    const views = await Promise.all(locations.map((location) => waitForJob(() => jobs.job(location), progress)));
    const wallMs = Date.now() - started;
    const requests = await loggedRequests(context.emulatorUrl);
    const mailboxes: MailboxFigures[] = [];
    for (const [index, leaver] of leavers.entries()) {
        const location = locations[index]!;
        const items = await jobs.items(location);
        mailboxes.push(await mailboxFigures(context, leaver, views[index]!, items, requests, Date.now()));
    }
    return { startedAtMs: started, wallMs, mailboxes };
}

async function mailboxFigures(
    context: PhaseContext,
    leaver: Leaver,
    job: JobView,
    items: readonly JobItemView[],
    requests: readonly LoggedRequest[],
    endMs: number,
): Promise<MailboxFigures> {
    const names = new Set([leaver.id.toLowerCase(), leaver.userPrincipalName.toLowerCase()]);
    const own = [...byMailbox(requests)].filter(([key]) => names.has(key)).flatMap(([, calls]) => calls);
    const accepted = own.filter(isAcceptedWrite);
    // A cancel moves the meeting to Deleted Items under a new id: every id it had names the same meeting.
    const meetingOf = new Map<string, string>();
    for (const item of await mailboxItems(context.emulatorUrl, leaver.userPrincipalName)) {
        for (const id of [item.id, item.immutableId, ...item.previousIds]) meetingOf.set(id, item.immutableId);
    }
    const writesTo = new Map<string, number>();
    for (const write of accepted) {
        const id = writtenEventId(write);
        const meeting = id === undefined ? undefined : meetingOf.get(id);
        if (meeting !== undefined) writesTo.set(meeting, (writesTo.get(meeting) ?? 0) + 1);
    }
    const outcomes: Record<string, number> = {};
    for (const item of items) outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
    const writeTimes = accepted.map((write) => write.startedAtMs).sort((a, b) => a - b);
    return {
        mailbox: leaver.userPrincipalName,
        meetings: items.length,
        state: job.state,
        outcomes,
        writes: accepted.length,
        throttled: own.filter(isThrottledWrite).length,
        meetingsWrittenOnce: items.filter((item) => writesTo.get(meetingOf.get(item.eventId) ?? '') === 1).length,
        maxWritesInAnyMinute: maxInAnyMinute(writeTimes),
        sustainedPerMinute: sustainedPerMinute(writeTimes),
        maxInFlight: maxInFlight(own, endMs),
        peakInFlight: peakInFlight(own, endMs),
        writeTimes,
    };
}

async function waitForJob(read: () => Promise<JobView>, progress: (line: string) => void): Promise<JobView> {
    const started = Date.now();
    let reportedAt = started;
    while (Date.now() - started < jobTimeoutMs) {
        const job = await read().catch(() => undefined);
        if (job && finalStates.has(job.state)) return job;
        if (job && Date.now() - reportedAt >= 30_000) {
            reportedAt = Date.now();
            const outcomes = job.counts?.byOutcome ?? {};
            progress(`  ${job.id}: ${job.state}, ${outcomes.succeeded ?? 0}/${job.counts?.total ?? '?'} succeeded`);
        }
        await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
    throw new Error(`a job did not end within ${jobTimeoutMs / 1000} s`);
}

async function loggedRequests(emulatorUrl: string): Promise<LoggedRequest[]> {
    const response = await fetch(`${emulatorUrl}/_emulator/requests`);
    if (!response.ok) throw new Error(`the request log answered ${response.status}`);
    return ((await response.json()) as { value: LoggedRequest[] }).value;
}

async function clearRequests(emulatorUrl: string): Promise<void> {
    const response = await fetch(`${emulatorUrl}/_emulator/requests`, { method: 'DELETE' });
    if (!response.ok) throw new Error(`clearing the request log answered ${response.status}`);
}

async function setSendingLimit(emulatorUrl: string, messagesPerMinute: number): Promise<void> {
    const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ rules: [], sendingLimit: { messagesPerMinute } }),
    });
    if (!response.ok) throw new Error(`setting the sending limit answered ${response.status}`);
}
