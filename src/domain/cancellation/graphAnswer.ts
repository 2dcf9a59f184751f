import { AppError } from '../../errors/appError';
import { UpstreamError } from '../../errors/upstreamError';
import type { AttemptContext } from './cancellationDeps';
import type { GraphReceipt } from './graphPorts';
import type { CancelOutcome } from './itemRequest';
import { saveOwingNotification } from './outbox';
import { type AttemptOutcome, type CancellationRecord, type RecordedError, withOutcome } from './record';
import type { Stored } from '../shared/stored';

function recordedError(error: AppError): RecordedError {
    return { status: error.status, code: error.code, message: error.message };
}

/**
 * Calls Graph for an attempt already claimed on the record, then records Graph's answer: `success` (`accepted`, or
 * `repaired` for a drift), or the failure (final when Graph refused, left pending for reconciliation when unknown).
 */
export async function callGraph(
    context: AttemptContext,
    claimed: Stored<CancellationRecord>,
    lookupRequestId: string | undefined,
    cancel: () => Promise<GraphReceipt>,
    success: 'accepted' | 'repaired',
): Promise<CancelOutcome> {
    const { deps, schedule } = context;
    const requestIds = [...claimed.value.graphRequestIds, ...(lookupRequestId ? [lookupRequestId] : [])];
    let receipt: GraphReceipt;
    try {
        receipt = await cancel();
    } catch (error) {
        await recordFailure(context, claimed, requestIds, error);
        throw error;
    }
    const done: Stored<CancellationRecord> = {
        ...claimed,
        value: {
            ...claimed.value,
            graphRequestIds: requestIds,
            attempts: claimed.value.attempts + 1,
            history: withOutcome(claimed.value.history, 'accepted'),
        },
    };
    if (success === 'accepted') return { record: await accept(context, done, receipt.requestId), replayed: false };
    // A drift repaired: saved as reconciliation saves its repair (the drift itself was announced).
    const repaired = await deps.store.update(
        {
            ...done.value,
            state: 'repaired',
            updatedAt: deps.clock.now().toISOString(),
            graphRequestIds: receipt.requestId ? [...requestIds, receipt.requestId] : requestIds,
            lastError: undefined,
            nextCheckAt: schedule.finished(),
        },
        done.etag,
    );
    return { record: repaired.value, replayed: false };
}

/**
 * Marks the record accepted with its notification owed, which is what the 202 waits for; the relay sends the
 * notification (enqueue, then clear the flag) after the answer, and reconciliation does if this process dies first.
 */
export async function accept(
    { deps, schedule }: AttemptContext,
    stored: Stored<CancellationRecord>,
    requestId: string | undefined,
): Promise<CancellationRecord> {
    const now = deps.clock.now();
    const accepted: CancellationRecord = {
        ...stored.value,
        state: 'accepted',
        updatedAt: now.toISOString(),
        graphRequestIds: requestId ? [...stored.value.graphRequestIds, requestId] : stored.value.graphRequestIds,
        lastError: undefined,
        nextCheckAt: schedule.accepted(now),
    };
    const flagged = await saveOwingNotification(accepted, stored.etag, deps);
    deps.relay.send(flagged, { nextCheckAt: accepted.nextCheckAt });
    return flagged.value;
}

async function recordFailure(
    { deps, schedule }: AttemptContext,
    pending: Stored<CancellationRecord>,
    requestIds: string[],
    error: unknown,
) {
    const definite = error instanceof UpstreamError && error.outcome === 'rejected';
    const now = deps.clock.now().toISOString();
    const appError = error instanceof AppError ? error : undefined;
    const graphRequestId = error instanceof UpstreamError ? error.graphRequestId : undefined;
    const outcome: AttemptOutcome = definite ? 'refused' : 'unknown';
    const update: CancellationRecord = {
        ...pending.value,
        updatedAt: now,
        attempts: pending.value.attempts + 1,
        graphRequestIds: graphRequestId ? [...requestIds, graphRequestId] : requestIds,
        lastError: appError ? recordedError(appError) : pending.value.lastError,
        // The attempt is over either way, so a retry need not wait for it.
        history: withOutcome(pending.value.history, outcome),
        // Graph refused: nothing happened, nothing to reconcile. Unknown outcome: stay pending for reconciliation.
        ...(definite
            ? { state: 'failed' as const, nextCheckAt: schedule.finished() }
            : { nextCheckAt: schedule.failedRetryable(pending.value) }),
    };
    try {
        await deps.store.update(update, pending.etag);
    } catch (storeError) {
        deps.log(`could not record the failure of cancellation ${pending.value.id}: ${String(storeError)}`);
    }
}
