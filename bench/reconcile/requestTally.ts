/**
 * Counts the Graph requests the emulator received during one phase, from its request log, and how many ran at once
 * against each mailbox. The log keeps only the last 10,000 entries (top-level requests and `$batch` items alike), and
 * one batched phase of 10,000 records logs 10,500 in a few seconds, so the log is read every half second while the
 * phase runs (only entries not yet seen finished: `afterSeq`) and the entries merged by `seq`. `complete` says
 * whether every entry of the phase was seen (no gap in `seq`), so a count is never silently short.
 */
interface LogEntry {
    readonly seq: number;
    readonly inBatch: boolean;
    readonly mailbox: string | null;
    readonly startedAtMs: number;
    readonly finishedAtMs: number | null;
}

export interface RequestCount {
    /** Requests sent to Graph's front door (`inBatch: false`): what a tenant's throttling budget counts. */
    readonly topLevel: number;
    /** Requests inside `$batch` bodies. */
    readonly inBatch: number;
    /**
     * Most requests running at the same time against one mailbox (Outlook allows 4), from each logged request's
     * [start, finish) span in the emulator (which encloses the time it held the mailbox).
     */
    readonly maxInFlightPerMailbox: number;
    /** Every log entry of the phase was seen. */
    readonly complete: boolean;
    /** Highest `seq` seen: where the next phase starts. */
    readonly lastSeq: number;
}

export const requestLogPollMs = 500;

/** The largest number of spans of one mailbox that overlap; a span that ends as another starts does not overlap it. */
export function maxOverlapPerMailbox(entries: Iterable<LogEntry>): number {
    const points = new Map<string, Array<[number, number]>>();
    for (const entry of entries) {
        if (entry.mailbox === null) continue;
        const key = entry.mailbox.toLowerCase();
        const list = points.get(key) ?? [];
        // Never seen finished (the phase ended first): counted as running to the end.
        list.push([entry.startedAtMs, 1], [entry.finishedAtMs ?? Number.POSITIVE_INFINITY, -1]);
        points.set(key, list);
    }
    let max = 0;
    for (const list of points.values()) {
        list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        let running = 0;
        for (const [, delta] of list) {
            running += delta;
            max = Math.max(max, running);
        }
    }
    return max;
}

export class RequestTally {
    private readonly seen = new Map<number, LogEntry>();
    private timer: NodeJS.Timeout | undefined;
    private polling: Promise<void> | undefined;
    private failure: unknown;

    /** `afterSeq`: the highest `seq` of any request made before this phase (the log was cleared since). */
    constructor(
        private readonly emulatorUrl: string,
        private readonly afterSeq: number,
    ) {}

    /** Reads the log every `intervalMs` until {@link stop}. */
    start(intervalMs = requestLogPollMs): void {
        this.timer = setInterval(() => {
            if (this.polling !== undefined) return;
            this.polling = this.poll()
                .catch((error: unknown) => {
                    this.failure ??= error;
                })
                .finally(() => {
                    this.polling = undefined;
                });
        }, intervalMs);
    }

    async stop(): Promise<RequestCount> {
        clearInterval(this.timer);
        await this.polling;
        if (this.failure !== undefined) throw new Error('reading the request log failed', { cause: this.failure });
        await this.poll();
        let topLevel = 0;
        let inBatch = 0;
        let lastSeq = this.afterSeq;
        for (const [seq, entry] of this.seen) {
            if (entry.inBatch) inBatch += 1;
            else topLevel += 1;
            lastSeq = Math.max(lastSeq, seq);
        }
        return {
            topLevel,
            inBatch,
            maxInFlightPerMailbox: maxOverlapPerMailbox(this.seen.values()),
            complete: this.seen.size === lastSeq - this.afterSeq,
            lastSeq,
        };
    }

    /** Reads what is new since the oldest entry not yet seen finished (its finish time is still to come). */
    private async poll(): Promise<void> {
        let highest = this.afterSeq;
        let oldestUnfinished: number | undefined;
        for (const [seq, entry] of this.seen) {
            highest = Math.max(highest, seq);
            if (entry.finishedAtMs === null) oldestUnfinished = Math.min(oldestUnfinished ?? seq, seq);
        }
        const from = oldestUnfinished === undefined ? highest : oldestUnfinished - 1;
        const response = await fetch(`${this.emulatorUrl}/_emulator/requests?afterSeq=${from}`, {
            signal: AbortSignal.timeout(30_000),
        });
        if (!response.ok) throw new Error(`emulator request log: HTTP ${response.status}`);
        const { value } = (await response.json()) as { value: LogEntry[] };
        for (const entry of value) if (entry.seq > this.afterSeq) this.seen.set(entry.seq, entry);
    }
}

/** Highest `seq` in the emulator's log right now (0 when empty). */
export async function lastLoggedSeq(emulatorUrl: string): Promise<number> {
    const response = await fetch(`${emulatorUrl}/_emulator/requests`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`emulator request log: HTTP ${response.status}`);
    const { value } = (await response.json()) as { value: LogEntry[] };
    return value.reduce((max, entry) => Math.max(max, entry.seq), 0);
}
