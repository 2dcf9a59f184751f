import { type Clock } from '../ports/clock';

export interface TtlCacheOptions {
    readonly clock: Clock;
    readonly ttlMs: number;
    /** Oldest entries are dropped beyond this, so a stream of distinct keys cannot grow memory without bound. */
    readonly maxEntries?: number;
}

const DEFAULT_MAX_ENTRIES = 10_000;

/**
 * Memoises an async lookup per key for `ttlMs`. Concurrent lookups of one key share one call; a failed
 * lookup is not cached, so the next request asks again.
 */
export function createTtlCache<V>(options: TtlCacheOptions): (key: string, load: () => Promise<V>) => Promise<V> {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    const entries = new Map<string, { expiresAtMs: number; value: Promise<V> }>();

    return function cached(key, load) {
        const nowMs = options.clock.now().getTime();
        const hit = entries.get(key);
        if (hit !== undefined && hit.expiresAtMs > nowMs) return hit.value;
        entries.delete(key);
        const value = load();
        const entry = { expiresAtMs: nowMs + options.ttlMs, value };
        entries.set(key, entry);
        value.catch(() => {
            if (entries.get(key) === entry) entries.delete(key);
        });
        while (entries.size > maxEntries) {
            const oldest = entries.keys().next();
            if (oldest.done === true) break;
            entries.delete(oldest.value);
        }
        return value;
    };
}
