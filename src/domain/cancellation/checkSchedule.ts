import type { CancellationRecord } from './record';

/** The configured delays the schedule works with. */
export interface CheckDelays {
    /** After Graph accepted a cancel (or the item was found done): when reconciliation re-verifies it. */
    readonly verifyDelayMs: number;
    /** After a request claimed an attempt: when reconciliation takes over if no answer was recorded. */
    readonly pendingGraceMs: number;
    /** Backoff before reconciliation's cancel attempt n + 1; the last entry repeats. */
    readonly retryDelaysMs: readonly number[];
}

/** While a notification is owed, the record stays due this soon, so reconciliation sends it even for a final state. */
export const owedNotificationRecheckMs = 60_000;

/** A schedule built with at least the delays `K`: the moments that need only those may be asked of it. */
type Having<K extends keyof CheckDelays> = CheckSchedule<Pick<CheckDelays, K>>;

const after = (now: Date, delayMs: number): string => new Date(now.getTime() + delayMs).toISOString();

/**
 * When reconciliation (and the notification outbox) next looks at a record: `nextCheckAt`, named by the moment in
 * the record's life that sets it. Every writer of a record asks here instead of computing times itself, so the
 * request path and reconciliation cannot disagree. Each owner builds it from the delays it is configured with; a
 * moment that needs a delay the owner lacks does not typecheck.
 */
export class CheckSchedule<D extends Partial<CheckDelays> = CheckDelays> {
    constructor(private readonly delays: D) {}

    /**
     * A request recorded its intent or claimed an attempt and is about to call Graph: if its process dies before
     * Graph answers, reconciliation picks the record up after the grace period.
     */
    requestClaimed(this: Having<'pendingGraceMs'>, now: Date): string {
        return after(now, this.delays.pendingGraceMs);
    }

    /** Reconciliation claimed cancel attempt number `attempts`: the next one (if this one gets no answer) backs off. */
    retryClaimed(this: Having<'retryDelaysMs'>, now: Date, attempts: number): string {
        return after(now, this.retryDelayMs(attempts));
    }

    /**
     * The claimed attempt ended without a definite answer (Graph unreachable, a 5xx): the claim's check stands, and
     * reconciliation tries again then.
     */
    failedRetryable(claimed: CancellationRecord): string | undefined {
        return claimed.nextCheckAt;
    }

    /** Graph accepted the cancel, or showed the item already gone or cancelled: verify it after a while. */
    accepted(this: Having<'verifyDelayMs'>, now: Date): string {
        return after(now, this.delays.verifyDelayMs);
    }

    /** Graph could not say what became of the item (an error, or no answer within the budget): look again later. */
    graphUnsure(this: Having<'verifyDelayMs'>, now: Date): string {
        return after(now, this.delays.verifyDelayMs);
    }

    /**
     * A finished cancellation came back. Repaired by reconciliation: due when its first repair attempt would be
     * retried. Only reported: nothing more to do.
     */
    drifted(this: Having<'retryDelaysMs'>, now: Date, repairing: boolean): string | undefined {
        return repairing ? after(now, this.retryDelayMs(1)) : undefined;
    }

    /** Verified, repaired or failed (Graph's definite refusal, or out of attempts): final, nothing is due. */
    finished(): undefined {
        return undefined;
    }

    /**
     * A state change was saved with its notification owed: due no later than the owed-notification recheck, so
     * reconciliation sends it if nothing else does (even for a final state); sooner if the state itself is due sooner.
     */
    notificationOwed(now: Date, stateCheck: string | undefined): string {
        const recheck = after(now, owedNotificationRecheckMs);
        return stateCheck !== undefined && stateCheck < recheck ? stateCheck : recheck;
    }

    /** The owed notification could not be enqueued (the queue is down): it goes first, at the next recheck. */
    notificationStillOwed(now: Date): string {
        return after(now, owedNotificationRecheckMs);
    }

    /** The delay before cancel attempt `attempts + 1`, from the configured backoff (its last entry repeats). */
    private retryDelayMs(this: Having<'retryDelaysMs'>, attempts: number): number {
        const delays = this.delays.retryDelaysMs;
        return delays[Math.min(Math.max(attempts, 1) - 1, delays.length - 1)] ?? 0;
    }
}

/** The moments that need no configured delay (the outbox's own). */
export const unconfiguredSchedule = new CheckSchedule({});
