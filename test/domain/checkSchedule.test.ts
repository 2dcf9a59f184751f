import { CheckSchedule, owedNotificationRecheckMs } from '../../src/domain/cancellation/checkSchedule';
import type { CancellationRecord } from '../../src/domain/cancellation/record';

const minute = 60_000;
const now = new Date('2026-03-01T12:00:00.000Z');
const at = (delayMs: number) => new Date(now.getTime() + delayMs).toISOString();

const schedule = new CheckSchedule({
    verifyDelayMs: 10 * minute,
    pendingGraceMs: 15 * minute,
    retryDelaysMs: [1 * minute, 5 * minute, 30 * minute],
});

describe('CheckSchedule: when a record is next looked at', () => {
    it('a request that claimed an attempt leaves the record to reconciliation after the pending grace', () => {
        expect(schedule.requestClaimed(now)).toBe(at(15 * minute));
    });

    it('an accepted cancel is verified after the verify delay, and so is an item Graph could not answer for', () => {
        expect(schedule.accepted(now)).toBe(at(10 * minute));
        expect(schedule.graphUnsure(now)).toBe(at(10 * minute));
    });

    it("reconciliation's attempts back off along the configured delays, the last one repeating", () => {
        expect([1, 2, 3, 4, 9].map((attempts) => schedule.retryClaimed(now, attempts))).toEqual([
            at(1 * minute),
            at(5 * minute),
            at(30 * minute),
            at(30 * minute),
            at(30 * minute),
        ]);
        // A record with no attempts yet is treated as the first one.
        expect(schedule.retryClaimed(now, 0)).toBe(at(1 * minute));
    });

    it('a drift being repaired is due when its first repair would be retried; one only reported is not due', () => {
        expect(schedule.drifted(now, true)).toBe(at(1 * minute));
        expect(schedule.drifted(now, false)).toBeUndefined();
    });

    it('a final state (verified, repaired, failed) is never due', () => {
        expect(schedule.finished()).toBeUndefined();
    });

    it("a failed attempt with no definite answer keeps the claim's check, so reconciliation retries then", () => {
        const claimed = { nextCheckAt: at(15 * minute) } as CancellationRecord;
        expect(schedule.failedRetryable(claimed)).toBe(at(15 * minute));
    });

    it('an owed notification keeps the record due within the recheck, or sooner when its state is due sooner', () => {
        expect(schedule.notificationOwed(now, undefined)).toBe(at(owedNotificationRecheckMs));
        expect(schedule.notificationOwed(now, at(10 * minute))).toBe(at(owedNotificationRecheckMs));
        expect(schedule.notificationOwed(now, at(1_000))).toBe(at(1_000));
        expect(schedule.notificationStillOwed(now)).toBe(at(owedNotificationRecheckMs));
    });

    it('a schedule built without a delay cannot be asked for the moments that need it (checked by the compiler)', () => {
        const reconciliationOnly = new CheckSchedule({ verifyDelayMs: minute, retryDelaysMs: [minute] });
        const outboxOnly = new CheckSchedule({});
        // Never run: ts-jest fails this file if either line typechecks (the @ts-expect-error would be unused).
        const misuses = [
            // @ts-expect-error reconciliation has no pending grace: only the request path claims with it.
            () => reconciliationOnly.requestClaimed(now),
            // @ts-expect-error the outbox knows no verify delay.
            () => outboxOnly.accepted(now),
        ];
        expect(misuses).toHaveLength(2);
        expect(reconciliationOnly.accepted(now)).toBe(at(minute));
        expect(outboxOnly.notificationStillOwed(now)).toBe(at(owedNotificationRecheckMs));
    });
});
