import {
    type CancellationEventType,
    type CancellationNotificationMessage,
    notificationMessage,
    type NotificationQueue,
} from '../notifications/notificationMessage';
import type { Clock } from '../ports/clock';
import { unconfiguredSchedule } from './checkSchedule';
import { type CancellationRecord, originOf } from './record';
import type { CancellationStore } from './store';
import type { Stored } from '../shared/stored';

/**
 * The notification a record's current state announces. A cancellation made outside the gateway is recorded already
 * `verified` (nothing is left to check) and announced as the cancellation itself, as a gateway cancel's `accepted` is.
 */
export function notificationTypeFor(record: CancellationRecord): CancellationEventType {
    if (originOf(record) !== 'gateway') return cancelledTypeOf(record);
    switch (record.state) {
        case 'verified':
        case 'repaired':
            return 'cancellation.verified';
        case 'drifted':
            return 'cancellation.drifted';
        case 'failed':
            return 'cancellation.failed';
        default:
            return cancelledTypeOf(record);
    }
}

function cancelledTypeOf(record: CancellationRecord): CancellationEventType {
    return record.kind === 'event' ? 'event.cancelled' : 'bookingAppointment.cancelled';
}

/** The notification a record owes. */
export function notificationOf(record: CancellationRecord): CancellationNotificationMessage {
    return notificationMessage(notificationTypeFor(record), record.tenantId, record.id, record.updatedAt);
}

export interface OutboxDeps {
    readonly store: CancellationStore;
    readonly notifications: NotificationQueue;
    readonly clock: Clock;
    readonly log: (message: string) => void;
}

export { owedNotificationRecheckMs } from './checkSchedule';

/**
 * Saves a state change together with the notification it owes (`notificationPending`), keeping the record due soon
 * enough for reconciliation to send it if nothing else does. Throws ConcurrencyConflict when another writer got
 * there first. Hand the result to {@link sendPendingNotification} (now) or a NotificationRelay (after the answer).
 */
export async function saveOwingNotification(
    next: CancellationRecord,
    etag: string,
    deps: Pick<OutboxDeps, 'store' | 'clock'>,
): Promise<Stored<CancellationRecord>> {
    const owedAt = unconfiguredSchedule.notificationOwed(deps.clock.now(), next.nextCheckAt);
    return deps.store.update({ ...next, notificationPending: true, nextCheckAt: owedAt }, etag);
}

/**
 * Saves a state change and announces it, as an outbox: the record is written with `notificationPending` first (so a
 * crash leaves a flag reconciliation acts on), then the message is enqueued, then the flag is cleared. A failed
 * enqueue leaves the change standing and the flag set. Throws ConcurrencyConflict when another writer got there first.
 */
export async function saveAndNotify(
    next: CancellationRecord,
    etag: string,
    deps: OutboxDeps,
): Promise<Stored<CancellationRecord>> {
    const flagged = await saveOwingNotification(next, etag, deps);
    return sendPendingNotification(flagged, deps, { nextCheckAt: next.nextCheckAt });
}

/**
 * Enqueues the notification of a record flagged `notificationPending` and clears the flag, setting `nextCheckAt` to
 * what the state itself needs (`undefined` for a final state).
 */
export async function sendPendingNotification(
    stored: Stored<CancellationRecord>,
    deps: OutboxDeps,
    after: { readonly nextCheckAt: string | undefined } = { nextCheckAt: stored.value.nextCheckAt },
): Promise<Stored<CancellationRecord>> {
    try {
        await deps.notifications.enqueue(notificationOf(stored.value));
    } catch (error) {
        return leftForReconciliation(stored, error, deps);
    }
    return clearNotificationFlag(stored, deps, after);
}

/**
 * Clears the flag of a record whose notification is on the queue, setting `nextCheckAt` to what the state itself
 * needs. A failed write leaves the flag, and reconciliation sends the notification again (the same `messageId`).
 */
export async function clearNotificationFlag(
    stored: Stored<CancellationRecord>,
    deps: Pick<OutboxDeps, 'store' | 'log'>,
    after: { readonly nextCheckAt: string | undefined },
): Promise<Stored<CancellationRecord>> {
    const [cleared] = await clearNotificationFlags([{ stored, after }], deps);
    return cleared ?? stored;
}

/** A record flagged `notificationPending`, and the `nextCheckAt` its state needs once the flag is cleared. */
export interface OwedNotification {
    readonly stored: Stored<CancellationRecord>;
    readonly after: { readonly nextCheckAt: string | undefined };
}

/** {@link clearNotificationFlag} of several records, written together where the store can (one tenant's records). */
export async function clearNotificationFlags(
    sent: readonly OwedNotification[],
    deps: Pick<OutboxDeps, 'store' | 'log'>,
): Promise<Stored<CancellationRecord>[]> {
    const results = await deps.store.updateEach(
        sent.map(({ stored, after }) => ({
            record: { ...stored.value, notificationPending: false, nextCheckAt: after.nextCheckAt },
            etag: stored.etag,
        })),
    );
    return sent.map(({ stored }, index) => {
        const result = results[index];
        if (result?.status === 'fulfilled') return result.value;
        return leftForReconciliation(stored, result?.reason, deps);
    });
}

export function leftForReconciliation(
    stored: Stored<CancellationRecord>,
    error: unknown,
    deps: Pick<OutboxDeps, 'log'>,
): Stored<CancellationRecord> {
    deps.log(`notification for cancellation ${stored.value.id} left for reconciliation: ${String(error)}`);
    return stored;
}
