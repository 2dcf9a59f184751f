import { ConcurrencyConflict, type Stored } from '../shared/stored';

/**
 * Every cancel, decline or series update is a message sent from the mailbox, so bulk work keeps inside Exchange
 * Online's sending limits for that mailbox: at most `messagesPerMinute` writes in any 60 s, at most
 * `recipientsPerDay` recipients in any 24 h. The ledger is kept per mailbox (not per job), so two jobs on one mailbox
 * share one budget.
 */
export interface PacingLimits {
    readonly messagesPerMinute: number;
    readonly recipientsPerDay: number;
}

export interface PacingLedger {
    /** When each write of the last minute (and the margin) was granted (epoch ms), oldest first. */
    readonly sentAtMs: readonly number[];
    /** Recipients granted per clock hour: `[hour start (epoch ms), recipients]`, oldest first. */
    readonly hourlyRecipients: readonly (readonly [number, number])[];
}

export const emptyLedger: PacingLedger = { sentAtMs: [], hourlyRecipients: [] };

const minuteMs = 60_000;
/**
 * A write granted now reaches Exchange a little later (the item's claim, and for a cancel its record and organizer
 * check, come first), by more for one write than for another; Exchange counts a message when it receives it. So a
 * grant holds its place for a minute plus this margin: two writes `messagesPerMinute` apart are granted at least
 * 62 s apart, and reach Exchange at least 60 s apart unless one of them took 2 s longer to get there. It costs 3 % of
 * the rate (a bench run saw 61 writes in one 60 s without it).
 */
export const grantToSendMarginMs = 2_000;
const messageWindowMs = minuteMs + grantToSendMarginMs;
const hourMs = 3_600_000;
/**
 * A clock hour's recipients count until 24 h after the hour ends: whenever in the hour they were sent, no 24 h span
 * sees more than the limit.
 */
const hourRetainedMs = 25 * hourMs;

export type BudgetDecision =
    | { readonly granted: true; readonly ledger: PacingLedger }
    | {
          readonly granted: false;
          /** When the budget allows this write again, from now. */
          readonly retryAfterMs: number;
          readonly reason: 'messagesPerMinute' | 'recipientsPerDay';
      };

/** Grants one write to `recipients` recipients at `nowMs`, or says how long until the budget allows it. */
export function takeBudget(
    ledger: PacingLedger,
    nowMs: number,
    recipients: number,
    limits: PacingLimits,
): BudgetDecision {
    const sentAtMs = ledger.sentAtMs.filter((at) => at > nowMs - messageWindowMs);
    const hours = ledger.hourlyRecipients.filter(([hour]) => hour + hourRetainedMs > nowMs);
    if (sentAtMs.length >= limits.messagesPerMinute) {
        const oldest = sentAtMs[sentAtMs.length - limits.messagesPerMinute] ?? nowMs;
        return { granted: false, retryAfterMs: oldest + messageWindowMs - nowMs, reason: 'messagesPerMinute' };
    }
    const spent = hours.reduce((sum, [, count]) => sum + count, 0);
    // A meeting with more recipients than a whole day allows goes out alone, on a day with nothing else.
    const needed = Math.min(recipients, limits.recipientsPerDay);
    if (spent + needed > limits.recipientsPerDay) {
        let freed = 0;
        for (const [hour, count] of hours) {
            freed += count;
            if (spent - freed + needed <= limits.recipientsPerDay) {
                return { granted: false, retryAfterMs: hour + hourRetainedMs - nowMs, reason: 'recipientsPerDay' };
            }
        }
    }
    const hour = Math.floor(nowMs / hourMs) * hourMs;
    const last = hours[hours.length - 1];
    const updatedHours: (readonly [number, number])[] =
        last !== undefined && last[0] === hour
            ? [...hours.slice(0, -1), [hour, last[1] + recipients]]
            : [...hours, [hour, recipients]];
    return { granted: true, ledger: { sentAtMs: [...sentAtMs, nowMs], hourlyRecipients: updatedHours } };
}

/** Each mailbox's ledger (stored beside the jobs), changed with ETags. */
export interface PacingStore {
    getLedger(tenantId: string, userId: string): Promise<Stored<PacingLedger> | null>;
    /** Inserts (no `etag`) or replaces (`etag`); throws `ConcurrencyConflict` when another writer was first. */
    saveLedger(tenantId: string, userId: string, ledger: PacingLedger, etag: string | undefined): Promise<void>;
}

export type Grant =
    | { readonly granted: true }
    | {
          readonly granted: false;
          readonly retryAfterMs: number;
          readonly reason: 'messagesPerMinute' | 'recipientsPerDay';
      };

export interface MailboxPacer {
    take(tenantId: string, userId: string, recipients: number, now: Date): Promise<Grant>;
}

/** {@link takeBudget} on the stored ledger, read again when another worker changed it first. */
export function storedPacer(store: PacingStore, limits: PacingLimits): MailboxPacer {
    return {
        async take(tenantId, userId, recipients, now) {
            for (let attempt = 0; ; attempt += 1) {
                const stored = await store.getLedger(tenantId, userId);
                const decision = takeBudget(stored?.value ?? emptyLedger, now.getTime(), recipients, limits);
                if (!decision.granted) return decision;
                try {
                    await store.saveLedger(tenantId, userId, decision.ledger, stored?.etag);
                    return { granted: true };
                } catch (error) {
                    if (!(error instanceof ConcurrencyConflict) || attempt >= 4) throw error;
                }
            }
        },
    };
}

/**
 * When the writes left should be done at the mailbox's message rate, from `from` (now, or when a pause ends); the
 * daily recipient budget can push it later, which the job's `paused` state then shows.
 */
export function estimateFinish(remainingWrites: number, from: Date, limits: PacingLimits): Date | undefined {
    if (remainingWrites <= 0) return undefined;
    return new Date(from.getTime() + Math.ceil((remainingWrites / limits.messagesPerMinute) * messageWindowMs));
}
