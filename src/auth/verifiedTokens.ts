import { createHash } from 'node:crypto';
import type { Caller } from '../domain/access/caller';

export interface VerifiedTokensOptions {
    /** Tokens remembered at most; the oldest is forgotten first. */
    readonly maxEntries: number;
    /** How long one verification stands, whatever the token's `exp` says. */
    readonly maxAgeMs: number;
    /** Milliseconds since the epoch (the validator's clock). */
    readonly nowMs: () => number;
}

interface Entry {
    readonly caller: Caller;
    /** The earlier of the token's `exp` (with the clock skew allowed) and the verification's own maximum age. */
    readonly validUntilMs: number;
}

/**
 * The callers of tokens this process has already verified, by the token's SHA-256 (the tokens themselves are not
 * kept). Clients reuse an access token for its lifetime (about an hour for Entra ID), so without this every request
 * would check the same RS256 signature again. An entry stands until the token expires, and at most `maxAgeMs`, which
 * is what a signing key withdrawn from the tenant's JWKS may outlive the signing keys' own cache by.
 */
export class VerifiedTokens {
    private readonly entries = new Map<string, Entry>();

    constructor(private readonly options: VerifiedTokensOptions) {}

    /** The caller of a token verified before and still valid, or undefined. */
    get(token: string): Caller | undefined {
        const key = keyOf(token);
        const entry = this.entries.get(key);
        if (entry === undefined) return undefined;
        if (this.options.nowMs() < entry.validUntilMs) return entry.caller;
        this.entries.delete(key);
        return undefined;
    }

    /** Remembers a token just verified; `expiresAtMs` is its `exp` plus the clock skew allowed. */
    add(token: string, caller: Caller, expiresAtMs: number): void {
        const validUntilMs = Math.min(expiresAtMs, this.options.nowMs() + this.options.maxAgeMs);
        if (this.entries.size >= this.options.maxEntries) {
            const oldest = this.entries.keys().next();
            if (!oldest.done) this.entries.delete(oldest.value);
        }
        this.entries.set(keyOf(token), { caller, validUntilMs });
    }
}

function keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
}
