/** How long this process remembers a copy whose meeting is recorded: a burst's duplicates arrive within minutes. */
export const recentlyRecordedTtlMs = 10 * 60_000;
/** Copies remembered at most; the oldest are forgotten first (a forgotten copy only costs its Graph read again). */
export const maxRecentlyRecordedCopies = 20_000;

/**
 * The watched copies (mailbox + event id) whose meeting this process recorded, or found recorded, lately, with the
 * meeting's key. Graph sends one notification per change of each copy, often many for one meeting; once its meeting
 * is recorded nothing a copy can say changes the outcome (one record per meeting), so a duplicate needs no Graph read.
 * Only an optimisation: a copy not remembered (another process, after the TTL) is read and classified as before.
 */
export class RecentlyRecordedCopies {
    private readonly copies = new Map<string, { readonly resourceKey: string; readonly expiresAtMs: number }>();

    constructor(
        private readonly clock: { now(): Date },
        private readonly ttlMs = recentlyRecordedTtlMs,
        private readonly maxCopies = maxRecentlyRecordedCopies,
    ) {}

    /** The meeting's resource key when this copy's meeting was recorded within the TTL. */
    find(mailbox: string, eventId: string): string | undefined {
        const key = copyKey(mailbox, eventId);
        const entry = this.copies.get(key);
        if (entry === undefined) return undefined;
        if (entry.expiresAtMs <= this.clock.now().getTime()) {
            this.copies.delete(key);
            return undefined;
        }
        return entry.resourceKey;
    }

    remember(mailbox: string, eventId: string, resourceKey: string): void {
        const key = copyKey(mailbox, eventId);
        this.copies.delete(key);
        this.copies.set(key, { resourceKey, expiresAtMs: this.clock.now().getTime() + this.ttlMs });
        // A Map iterates in insertion order: the first key is the oldest.
        while (this.copies.size > this.maxCopies) {
            const oldest = this.copies.keys().next();
            if (oldest.done === true) break;
            this.copies.delete(oldest.value);
        }
    }
}

function copyKey(mailbox: string, eventId: string): string {
    return `${mailbox.toLowerCase()}|${eventId}`;
}
