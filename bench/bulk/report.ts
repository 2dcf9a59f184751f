import { writesPerWholeMinute } from './figures';
import type { BulkBenchFigures, MailboxFigures } from './run';

/** Ratios the goals are read against: ≥ 90 % of the configured rate, and ~10× for 10 mailboxes (≥ 80 % of it). */
const sustainedGoal = 0.9;
const scalingGoal = 0.8;
const maxInFlightPerMailbox = 4;

export interface GoalLine {
    readonly goal: string;
    readonly measured: string;
    readonly met: boolean;
}

const perMinute = (meetings: number, ms: number) => (ms > 0 ? (meetings / ms) * 60_000 : 0);
const fixed = (n: number, digits = 1) => n.toFixed(digits);
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

function lostNothing(m: MailboxFigures): boolean {
    return (
        m.state === 'completed' && (m.outcomes.succeeded ?? 0) === m.meetings && m.meetingsWrittenOnce === m.meetings
    );
}

/** The bench's verdict: one line per goal, with what was measured and whether it was met. */
export function goalLines(figures: BulkBenchFigures): GoalLine[] {
    const { args, one, parallel, throttled } = figures;
    const rate = args.messagesPerMinute;
    const single = one.mailboxes[0];
    const slow = throttled.mailboxes[0];
    if (!single || !slow) throw new Error('a run measured no mailbox');
    const all = [...one.mailboxes, ...parallel.mailboxes, ...throttled.mailboxes];

    const sustained = single.sustainedPerMinute;
    // The same work on both sides: the first `parallelMeetings` writes of each mailbox, from when the jobs started.
    const k = args.parallelMeetings;
    const kthWriteMs = (m: MailboxFigures, startedAtMs: number) => (m.writeTimes[k - 1] ?? Infinity) - startedAtMs;
    const oneMs = kthWriteMs(single, one.startedAtMs);
    const parallelMs = Math.max(...parallel.mailboxes.map((m) => kthWriteMs(m, parallel.startedAtMs)));
    const oneRate = perMinute(k, oneMs);
    const parallelRate = perMinute(k * parallel.mailboxes.length, parallelMs);
    const scale = oneRate > 0 ? parallelRate / oneRate : 0;
    const mostInMinute = Math.max(...[...one.mailboxes, ...parallel.mailboxes].map((m) => m.maxWritesInAnyMinute));
    const mostInFlight = Math.max(...all.map((m) => m.maxInFlight));
    const throttledFloorMs = Math.max(0, Math.ceil(slow.meetings / args.emulatorLimit) - 1) * 60_000;
    return [
        {
            goal: `one mailbox sustains ≥ ${sustainedGoal * 100} % of ${rate}/min (fewest writes in a whole minute after the first)`,
            measured:
                sustained === undefined
                    ? 'not measurable (the job wrote through no whole minute after the first)'
                    : `${fixed(sustained, 0)}/min = ${fixed((sustained / rate) * 100)} % (writes per whole minute ${writesPerWholeMinute(single.writeTimes).join(', ')}; job ${fixed(one.wallMs / 1000)} s for ${single.meetings} meetings)`,
            met: sustained !== undefined && sustained >= sustainedGoal * rate,
        },
        {
            goal: `never more than ${rate} writes of one mailbox in any 60 s`,
            measured: `at most ${mostInMinute} (one mailbox ${single.maxWritesInAnyMinute}; parallel: ${Math.max(...parallel.mailboxes.map((m) => m.maxWritesInAnyMinute))})`,
            met: mostInMinute <= rate,
        },
        {
            goal: `${parallel.mailboxes.length} mailboxes at once ≈ ${parallel.mailboxes.length}× one (≥ ${scalingGoal * 100} % of it)`,
            measured:
                `${fixed(parallelRate)} vs ${fixed(oneRate)} meetings/min = ${fixed(scale)}× ` +
                `(${k} meetings per mailbox written in ${fixed(parallelMs / 1000)} s vs ${fixed(oneMs / 1000)} s alone)`,
            met: scale >= scalingGoal * parallel.mailboxes.length,
        },
        {
            goal: `≤ ${maxInFlightPerMailbox} requests in flight per mailbox (request log)`,
            measured: `at most ${mostInFlight}`,
            met: mostInFlight <= maxInFlightPerMailbox,
        },
        {
            goal: `every meeting one outcome and one accepted Graph write (all runs)`,
            measured: `${sum(all.map((m) => m.meetingsWrittenOnce))} of ${sum(all.map((m) => m.meetings))} meetings written once; ${all.filter((m) => !lostNothing(m)).length} jobs not complete`,
            met: all.every(lostNothing),
        },
        {
            goal: `emulator limit ${args.emulatorLimit}/min below the gateway's ${rate}/min: the job slows down, completes, loses nothing`,
            measured:
                `${slow.state} in ${fixed(throttled.wallMs / 1000)} s (the limit's floor ${fixed(throttledFloorMs / 1000, 0)} s), ` +
                `${slow.throttled} writes refused 429${slow.throttled === 0 ? ' (the limit never bit: the job was slower than it)' : ''}, ` +
                `${slow.writes} accepted for ${slow.meetings} meetings, ` +
                `at most ${slow.maxWritesInAnyMinute} in any 60 s`,
            met:
                slow.throttled > 0 &&
                lostNothing(slow) &&
                slow.maxWritesInAnyMinute <= args.emulatorLimit &&
                throttled.wallMs >= throttledFloorMs,
        },
    ];
}

/** What overlapped at the most requests in flight of any mailbox (issue 17: tells which paths add up). */
function peakLines(figures: BulkBenchFigures): string[] {
    const all = [figures.one, figures.parallel, figures.throttled].flatMap((phase) => phase.mailboxes);
    const peak = all.reduce<MailboxFigures | undefined>(
        (best, m) => (best === undefined || m.maxInFlight > best.maxInFlight ? m : best),
        undefined,
    );
    if (!peak || peak.maxInFlight === 0) return [];
    return [
        `  peak in flight (${peak.maxInFlight}, ${peak.mailbox}), started this long before the peak:`,
        ...peak.peakInFlight.map((line) => `    ${line}`),
    ];
}

export function reportLines(figures: BulkBenchFigures): string[] {
    const lines = goalLines(figures);
    return [
        `bench:bulk — BULK_MESSAGES_PER_MINUTE=${figures.args.messagesPerMinute} (production default 30), ` +
            `${figures.args.meetings} meetings on one mailbox, ${figures.args.mailboxes} mailboxes × ` +
            `${figures.args.parallelMeetings} in parallel, ` +
            `emulator sendingLimit ${figures.args.emulatorLimit}/min for ${figures.args.throttledMeetings} meetings`,
        ...lines.map((line) => `${line.met ? 'MET    ' : 'NOT MET'}  ${line.goal}: ${line.measured}`),
        ...peakLines(figures),
        `${lines.filter((line) => line.met).length}/${lines.length} goals met. Host log: ${figures.hostLog}`,
    ];
}
