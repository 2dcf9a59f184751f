/** A response as first given, replayed for a repeat of the same key and body. */
export interface StoredResponse {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    /** Body text, absent for empty bodies (202/204). */
    readonly body?: string | undefined;
}

export type IdempotencyEntry =
    | { readonly state: 'inFlight'; readonly fingerprint: string }
    | { readonly state: 'completed'; readonly fingerprint: string; readonly response: StoredResponse };

export type BeginResult =
    { readonly claimed: true; readonly etag: string } | { readonly claimed: false; readonly entry: IdempotencyEntry };

/**
 * `Idempotency-Key` records (Azure Table `idempotency`), keyed by caller scope and key so that two callers
 * never share a key. Entries live at least `retentionMs` (≥ 24 h); an in-flight claim left by a crash
 * can be taken over once its lock has expired.
 */
export interface IdempotencyStore {
    /**
     * Claims `key` for `scope`: `claimed: true` when it is new, expired, or an in-flight claim whose lock ran out;
     * otherwise the entry that holds it (in flight, or completed with its response).
     */
    begin(scope: string, key: string, fingerprint: string, now: Date, lockMs: number): Promise<BeginResult>;
    /** Stores the response under the claim; kept until `expiresAt`. */
    complete(scope: string, key: string, etag: string, response: StoredResponse, expiresAt: Date): Promise<void>;
    /** Gives up a claim without a response (the request failed before anything happened). */
    release(scope: string, key: string, etag: string): Promise<void>;
    /** Deletes up to `limit` entries that expired before `now`; returns how many it deleted. */
    purgeExpired(now: Date, limit: number): Promise<number>;
}
