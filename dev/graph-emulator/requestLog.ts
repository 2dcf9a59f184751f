import { performance } from 'node:perf_hooks';

export interface RequestLogEntry {
    seq: number;
    startedAt: string;
    finishedAt: string | null;
    /**
     * The same instants as epoch ms with sub-millisecond precision, from the process's monotonic clock (it may be a
     * few ms off the wall clock of `startedAt`): a span that ends and another that starts within the same millisecond
     * still come in the right order, so overlapping requests (per mailbox, say) can be counted exactly.
     */
    startedAtMs: number;
    finishedAtMs: number | null;
    method: string;
    path: string;
    status: number | null;
    requestId: string;
    clientRequestId: string;
    appId: string | null;
    mailbox: string | null;
    inBatch: boolean;
    batchRequestId: string | null;
    batchItemId: string | null;
    fault: boolean;
    error: string | null;
}

const preciseNowMs = (): number => performance.timeOrigin + performance.now();

/** Log of Graph calls received (top-level and `$batch` items), newest last, capped. */
export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private seq = 0;

    constructor(private readonly cap = 10_000) {}

    start(
        init: Omit<
            RequestLogEntry,
            'seq' | 'startedAt' | 'finishedAt' | 'startedAtMs' | 'finishedAtMs' | 'status' | 'fault' | 'error'
        >,
    ): RequestLogEntry {
        const entry: RequestLogEntry = {
            ...init,
            seq: ++this.seq,
            startedAt: new Date().toISOString(),
            finishedAt: null,
            startedAtMs: preciseNowMs(),
            finishedAtMs: null,
            status: null,
            fault: false,
            error: null,
        };
        this.entries.push(entry);
        // Trimmed in one go once twice over the cap, not one shift per call past it (a 10,000-entry copy each).
        if (this.entries.length >= 2 * this.cap) this.entries = this.entries.slice(-this.cap);
        return entry;
    }

    /** Marks the call answered with `status`, now. */
    finish(entry: RequestLogEntry, status: number): void {
        entry.status = status;
        entry.finishedAt = new Date().toISOString();
        entry.finishedAtMs = preciseNowMs();
    }

    /** The entries kept, oldest first; with `afterSeq`, only those logged after that one (a reader that polls). */
    list(afterSeq = 0): RequestLogEntry[] {
        const kept = this.entries.slice(-this.cap);
        return afterSeq > 0 ? kept.filter((entry) => entry.seq > afterSeq) : kept;
    }

    clear(): void {
        this.entries = [];
    }
}
