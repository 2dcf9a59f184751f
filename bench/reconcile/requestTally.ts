/**
 * Counts the Graph requests the emulator received during one phase, from its request log. The log keeps only the
 * last 10,000 entries (top-level requests and `$batch` items alike), and one batched phase of 10,000 records logs
 * 10,500, so the log is read every few seconds while the phase runs and the entries merged by `seq`. `complete`
 * says whether every entry of the phase was seen (no gap in `seq`), so a count is never silently short.
 */
interface LogEntry {
    readonly seq: number;
    readonly inBatch: boolean;
}

export interface RequestCount {
    /** Requests sent to Graph's front door (`inBatch: false`): what a tenant's throttling budget counts. */
    readonly topLevel: number;
    /** Requests inside `$batch` bodies. */
    readonly inBatch: number;
    /** Every log entry of the phase was seen. */
    readonly complete: boolean;
    /** Highest `seq` seen: where the next phase starts. */
    readonly lastSeq: number;
}

export class RequestTally {
    private readonly seen = new Map<number, boolean>();
    private timer: NodeJS.Timeout | undefined;
    private polling: Promise<void> | undefined;
    private failure: unknown;

    /** `afterSeq`: the highest `seq` of any request made before this phase (the log was cleared since). */
    constructor(
        private readonly emulatorUrl: string,
        private readonly afterSeq: number,
    ) {}

    /** Reads the log every `intervalMs` until {@link stop}. */
    start(intervalMs: number): void {
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
        for (const [seq, batched] of this.seen) {
            if (batched) inBatch += 1;
            else topLevel += 1;
            lastSeq = Math.max(lastSeq, seq);
        }
        return { topLevel, inBatch, complete: this.seen.size === lastSeq - this.afterSeq, lastSeq };
    }

    private async poll(): Promise<void> {
        const response = await fetch(`${this.emulatorUrl}/_emulator/requests`, { signal: AbortSignal.timeout(30_000) });
        if (!response.ok) throw new Error(`emulator request log: HTTP ${response.status}`);
        const { value } = (await response.json()) as { value: LogEntry[] };
        for (const entry of value) if (entry.seq > this.afterSeq) this.seen.set(entry.seq, entry.inBatch);
    }
}

/** Highest `seq` in the emulator's log right now (0 when empty). */
export async function lastLoggedSeq(emulatorUrl: string): Promise<number> {
    const response = await fetch(`${emulatorUrl}/_emulator/requests`, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`emulator request log: HTTP ${response.status}`);
    const { value } = (await response.json()) as { value: LogEntry[] };
    return value.reduce((max, entry) => Math.max(max, entry.seq), 0);
}
