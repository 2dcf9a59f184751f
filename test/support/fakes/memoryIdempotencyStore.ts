import type {
    BeginResult,
    IdempotencyEntry,
    IdempotencyStore,
    StoredResponse,
} from '../../../src/domain/idempotency/store';

interface Held {
    entry: IdempotencyEntry;
    etag: string;
    lockedUntilMs: number;
    expiresAtMs: number;
}

/** The `IdempotencyStore` port in memory, with the Table store's rules: one claim per (scope, key), locks that run out. */
export class MemoryIdempotencyStore implements IdempotencyStore {
    private readonly entries = new Map<string, Held>();
    private etags = 0;

    begin(scope: string, key: string, fingerprint: string, now: Date, lockMs: number): Promise<BeginResult> {
        const id = `${scope}|${key}`;
        const held = this.entries.get(id);
        const nowMs = now.getTime();
        const free =
            held === undefined ||
            held.expiresAtMs <= nowMs ||
            (held.entry.state === 'inFlight' && held.lockedUntilMs <= nowMs);
        if (!free) return Promise.resolve({ claimed: false, entry: held.entry });
        const etag = `W/"${++this.etags}"`;
        this.entries.set(id, {
            entry: { state: 'inFlight', fingerprint },
            etag,
            lockedUntilMs: nowMs + lockMs,
            expiresAtMs: Number.POSITIVE_INFINITY,
        });
        return Promise.resolve({ claimed: true, etag });
    }

    complete(scope: string, key: string, etag: string, response: StoredResponse, expiresAt: Date): Promise<void> {
        const held = this.claimed(scope, key, etag);
        held.entry = { state: 'completed', fingerprint: held.entry.fingerprint, response };
        held.expiresAtMs = expiresAt.getTime();
        return Promise.resolve();
    }

    release(scope: string, key: string, etag: string): Promise<void> {
        this.claimed(scope, key, etag);
        this.entries.delete(`${scope}|${key}`);
        return Promise.resolve();
    }

    purgeExpired(now: Date, limit: number): Promise<number> {
        let purged = 0;
        for (const [id, held] of this.entries) {
            if (purged >= limit) break;
            if (held.expiresAtMs <= now.getTime()) {
                this.entries.delete(id);
                purged += 1;
            }
        }
        return Promise.resolve(purged);
    }

    private claimed(scope: string, key: string, etag: string): Held {
        const held = this.entries.get(`${scope}|${key}`);
        if (held?.etag !== etag) throw new Error('the idempotency claim was taken over by another request');
        return held;
    }
}
