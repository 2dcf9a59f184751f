import * as crypto from 'node:crypto';
import { type TimeWindow } from '../store/calendarView';
import { type EventItem } from '../store/model';

/** What a delta round knew of one item in the window: its ids then and its change key. */
interface Known {
    id: string;
    immutableId: string;
    changeKey: string;
}

/** The state a `$deltatoken` stands for: a mailbox's (or one calendar's) view of a window, as last returned. */
export interface SyncState {
    mailboxId: string;
    calendarId: string | undefined;
    window: TimeWindow;
    known: ReadonlyMap<string, Known>;
}

/** One round of delta pages: what to return, and the state its final `@odata.deltaLink` stands for. */
interface Round {
    entries: Record<string, unknown>[];
    pageSize: number;
    next: SyncState;
}

/**
 * Most tokens kept (each kind). Outlook keeps delta tokens in a cache of limited size and drops the oldest when
 * it is full, so a token has no fixed lifetime (VERIFY: the size).
 */
const maxTokens = 10_000;

function newToken(): string {
    return crypto.randomBytes(24).toString('base64url');
}

/** The items of a window as a sync state (keyed by immutable id, which survives folder moves). */
export function syncStateOf(
    mailboxId: string,
    calendarId: string | undefined,
    window: TimeWindow,
    items: readonly EventItem[],
): SyncState {
    const known = new Map<string, Known>();
    for (const item of items) {
        known.set(item.immutableId, { id: item.id, immutableId: item.immutableId, changeKey: item.changeKey });
    }
    return { mailboxId, calendarId, window, known };
}

/**
 * The changes from `before` (undefined: an initial sync) to `now`: items new or with another change key, then
 * items gone from the window as `@removed` (deleted, moved to Deleted Items, or no longer in the window).
 */
export function changesSince(
    before: SyncState | undefined,
    now: readonly EventItem[],
    wire: (item: EventItem) => Record<string, unknown>,
    idOf: (known: { id: string; immutableId: string }) => string,
): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const present = new Set<string>();
    for (const item of now) {
        present.add(item.immutableId);
        const was = before?.known.get(item.immutableId);
        if (!was || was.changeKey !== item.changeKey) out.push(wire(item));
    }
    for (const was of before?.known.values() ?? []) {
        if (!present.has(was.immutableId)) {
            out.push({ '@odata.type': '#microsoft.graph.event', id: idOf(was), '@removed': { reason: 'deleted' } });
        }
    }
    return out;
}

function remember<T>(map: Map<string, T>, token: string, value: T): void {
    map.set(token, value);
    if (map.size > maxTokens) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) map.delete(oldest);
    }
}

/** Server-side state behind `$deltatoken` and `$skiptoken` (opaque to clients, as Graph's state tokens are). */
export class DeltaTokens {
    private readonly deltaTokens = new Map<string, SyncState>();
    private readonly skipTokens = new Map<string, { round: Round; offset: number }>();

    sync(token: string): SyncState | undefined {
        return this.deltaTokens.get(token);
    }

    page(token: string): { round: Round; offset: number } | undefined {
        return this.skipTokens.get(token);
    }

    /** Starts a round; returns its first page. */
    startRound(round: Round): DeltaPage {
        return this.pageOf(round, 0);
    }

    /** The page of a round at `offset`, with a `$skiptoken` for the next one or the round's `$deltatoken`. */
    pageOf(round: Round, offset: number): DeltaPage {
        const value = round.entries.slice(offset, offset + round.pageSize);
        const nextOffset = offset + value.length;
        if (nextOffset < round.entries.length) {
            const skipToken = newToken();
            remember(this.skipTokens, skipToken, { round, offset: nextOffset });
            return { value, skipToken };
        }
        const deltaToken = newToken();
        remember(this.deltaTokens, deltaToken, round.next);
        return { value, deltaToken };
    }

    /** Forgets every token: the next use of one answers 410 (`POST /_emulator/delta/expire`, reset). */
    clear(): void {
        this.deltaTokens.clear();
        this.skipTokens.clear();
    }
}

export interface DeltaPage {
    value: Record<string, unknown>[];
    skipToken?: string;
    deltaToken?: string;
}

export type { Round };
