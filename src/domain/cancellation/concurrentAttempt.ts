import { AppError } from '../../errors/appError';
import type { Clock } from '../ports/clock';
import type { CancellationRecord } from './record';
import type { CancellationStore } from './store';
import type { Stored } from '../shared/stored';

/** After this long an attempt still marked in flight is taken as abandoned (its process died mid-call). */
export const defaultInFlightLockMs = 120_000;
/** How long a request waits for another request's attempt at the same item before answering 409. */
export const defaultWaitForOtherAttemptMs = 10_000;
/** How often the waiting request reads the record. */
const pollMs = 250;

export interface ConcurrentAttemptDeps {
    readonly store: CancellationStore;
    readonly clock: Clock;
    readonly sleep: (ms: number) => Promise<void>;
    readonly inFlightLockMs: number;
    readonly waitMs: number;
}

/** Whether another request is calling Graph for this record right now (its newest attempt is in flight and fresh). */
export function isBusy(record: CancellationRecord, now: Date, inFlightLockMs: number): boolean {
    if (record.state !== 'pending' && record.state !== 'drifted') return false;
    const last = record.history?.[record.history.length - 1];
    return last?.outcome === 'inFlight' && now.getTime() - Date.parse(last.at) < inFlightLockMs;
}

/**
 * Waits (bounded, reading the record) for another request's attempt at the item to end, and returns the record as it
 * then is; throws 409 with `Retry-After` when the attempt is still running after the wait.
 */
export async function waitForOtherAttempt(
    stored: Stored<CancellationRecord>,
    deps: ConcurrentAttemptDeps,
): Promise<CancellationRecord> {
    const deadline = deps.clock.now().getTime() + deps.waitMs;
    let current = stored.value;
    while (isBusy(current, deps.clock.now(), deps.inFlightLockMs)) {
        if (deps.clock.now().getTime() >= deadline) {
            throw new AppError(
                409,
                'cancellationInProgress',
                'Another request is cancelling this item; retry to get its result.',
                { headers: { 'Retry-After': '5' } },
            );
        }
        await deps.sleep(pollMs);
        current = (await deps.store.get(current.tenantId, current.id))?.value ?? current;
    }
    return current;
}
