export interface RequestLogEntry {
    seq: number;
    startedAt: string;
    finishedAt: string | null;
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

/** Log of Graph calls received (top-level and `$batch` items), newest last, capped. */
export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private seq = 0;

    constructor(private readonly cap = 10_000) {}

    start(
        init: Omit<RequestLogEntry, 'seq' | 'startedAt' | 'finishedAt' | 'status' | 'fault' | 'error'>,
    ): RequestLogEntry {
        const entry: RequestLogEntry = {
            ...init,
            seq: ++this.seq,
            startedAt: new Date().toISOString(),
            finishedAt: null,
            status: null,
            fault: false,
            error: null,
        };
        this.entries.push(entry);
        if (this.entries.length > this.cap) this.entries.splice(0, this.entries.length - this.cap);
        return entry;
    }

    list(): RequestLogEntry[] {
        return [...this.entries];
    }

    clear(): void {
        this.entries = [];
    }
}
