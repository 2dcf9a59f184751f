import type { GraphRequestView, JobItemView, JobView, MailboxItemView } from './bulkViews';

/** The emulator keeps this many requests; a log that reached it may have dropped the oldest writes. */
export const requestLogCap = 10_000;

export interface BulkCheckInput {
    /** Ids of the meetings the fixture seeded in the leaver's mailbox. */
    readonly seeded: readonly string[];
    readonly job: JobView;
    readonly items: readonly JobItemView[];
    /** The emulator's request log from just before the job was started. */
    readonly requests: readonly GraphRequestView[];
    /** The leaver's mailbox afterwards (the emulator's admin view). */
    readonly mailbox: readonly MailboxItemView[];
    /** State of each cancellation record the items name, by record id. */
    readonly recordStates: ReadonlyMap<string, string>;
    readonly killsAsked: number;
    /** Kills the supervisor made while the job was not yet seen completed. */
    readonly killsDuringJob: number;
}

export interface BulkCheckResult {
    readonly outcomes: Record<string, number>;
    /** Graph writes (POST/PATCH/DELETE on an event) in the log, per number of writes a meeting got. */
    readonly writesPerMeeting: Record<string, number>;
    readonly writes: number;
    /** Writes Graph answered with an error (a 4xx/5xx, or no answer: the caller was gone). */
    readonly writesNotOk: number;
    readonly violations: string[];
}

const writeMethods = new Set(['POST', 'PATCH', 'DELETE']);

/** The event id a write went to (`…/events/{id}[/cancel|/decline]`), or undefined for any other call. */
export function writtenEventId(request: Pick<GraphRequestView, 'method' | 'path'>): string | undefined {
    if (!writeMethods.has(request.method)) return undefined;
    const segments = request.path.split('?')[0]!.split('/');
    const at = segments.findIndex((s) => s.toLowerCase() === 'events');
    const id = at >= 0 ? segments[at + 1] : undefined;
    return id ? decodeURIComponent(id) : undefined;
}

const tally = (values: readonly string[]) =>
    values.reduce<Record<string, number>>((n, v) => ({ ...n, [v]: (n[v] ?? 0) + 1 }), {});

const sameCounts = (a: Record<string, number>, b: Record<string, number>) =>
    Object.keys({ ...a, ...b }).every((k) => (a[k] ?? 0) === (b[k] ?? 0));

/**
 * The bulk chaos run's verdict: the job completed, each seeded meeting has exactly one item and one outcome, the
 * counts add up, Graph saw exactly one write per meeting, each cancelled meeting is cancelled in the mailbox and its
 * record verified, and the kills landed while the job ran.
 */
export function checkBulkRun(input: BulkCheckInput): BulkCheckResult {
    const violations: string[] = [];
    // Any id a meeting had (regular ids change when a cancel moves it to Deleted Items; the immutable one does not).
    const meetingOf = new Map<string, string>();
    for (const item of input.mailbox) {
        for (const id of [item.id, item.immutableId, ...item.previousIds]) meetingOf.set(id, item.immutableId);
    }
    const byMeeting = new Map(input.mailbox.map((item) => [item.immutableId, item]));

    if (input.job.state !== 'completed') violations.push(`job state ${input.job.state}, not completed`);

    const itemsOf = new Map<string, JobItemView[]>();
    for (const item of input.items) {
        const meeting = meetingOf.get(item.eventId);
        if (!meeting) {
            violations.push(`item ${item.eventId} names no meeting of the mailbox`);
            continue;
        }
        itemsOf.set(meeting, [...(itemsOf.get(meeting) ?? []), item]);
    }
    for (const id of input.seeded) {
        const meeting = meetingOf.get(id);
        const found = meeting ? (itemsOf.get(meeting)?.length ?? 0) : 0;
        if (found !== 1) violations.push(`meeting ${id} has ${found} job items, not 1`);
    }
    if (input.items.length !== input.seeded.length) {
        violations.push(`${input.items.length} job items for ${input.seeded.length} seeded meetings`);
    }

    const outcomes = tally(input.items.map((i) => i.outcome));
    const counts = input.job.counts;
    if (!counts) violations.push('the job shows no counts');
    else {
        if (counts.total !== input.items.length)
            violations.push(`counts.total ${counts.total}, items ${input.items.length}`);
        if (!sameCounts(counts.byOutcome, outcomes))
            violations.push(`counts.byOutcome ${JSON.stringify(counts.byOutcome)} ≠ items ${JSON.stringify(outcomes)}`);
        if (!sameCounts(counts.byAction, tally(input.items.map((i) => i.action))))
            violations.push(`counts.byAction ${JSON.stringify(counts.byAction)} do not match the items`);
    }
    for (const item of input.items) {
        if (item.action !== 'cancel' || item.outcome !== 'succeeded') {
            violations.push(
                `meeting ${item.eventId}: ${item.action} ${item.outcome}${item.error ? ` (${item.error.code})` : ''}`,
            );
        }
    }

    const writesTo = new Map<string, number>();
    let writes = 0;
    let writesNotOk = 0;
    for (const request of input.requests) {
        const id = writtenEventId(request);
        if (id === undefined) continue;
        writes++;
        if (request.status === null || request.status >= 300) writesNotOk++;
        const meeting = meetingOf.get(id);
        if (!meeting) violations.push(`${request.method} ${request.path}: a write to no meeting of the mailbox`);
        else writesTo.set(meeting, (writesTo.get(meeting) ?? 0) + 1);
    }
    if (input.requests.length >= requestLogCap) {
        violations.push(`the request log holds ${input.requests.length} calls: it may have dropped writes`);
    }
    const writesPerMeeting: Record<string, number> = {};
    for (const id of input.seeded) {
        const meeting = meetingOf.get(id);
        const n = meeting ? (writesTo.get(meeting) ?? 0) : 0;
        writesPerMeeting[n] = (writesPerMeeting[n] ?? 0) + 1;
        if (n !== 1) violations.push(`meeting ${id}: ${n} Graph writes, not 1`);
    }

    for (const item of input.items) {
        if (item.action !== 'cancel' || item.outcome !== 'succeeded') continue;
        const inMailbox = byMeeting.get(meetingOf.get(item.eventId) ?? '');
        if ((inMailbox?.cancelledVia ?? null) === null)
            violations.push(`meeting ${item.eventId} succeeded but is not cancelled in Graph`);
        const state = item.cancellationId ? input.recordStates.get(item.cancellationId) : undefined;
        if (state !== 'verified') {
            violations.push(
                `meeting ${item.eventId}: record ${item.cancellationId ?? '(none)'} is ${state ?? 'missing'}`,
            );
        }
    }

    if (input.killsDuringJob < input.killsAsked) {
        violations.push(`${input.killsDuringJob} of ${input.killsAsked} kills landed while the job ran`);
    }
    return { outcomes, writesPerMeeting, writes, writesNotOk, violations };
}
