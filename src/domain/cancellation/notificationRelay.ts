import { type OutboxDeps, sendPendingNotification } from './outbox';
import type { CancellationRecord } from './record';
import type { Stored } from '../shared/stored';

/**
 * Sends the notification a just-saved record owes after the caller has its answer, keeping two Storage round trips
 * (enqueue, clear the flag) off the request's path. The record's `notificationPending` flag is already durable, so a
 * process that dies before the send finishes only delays the notification to the next reconciliation pass.
 */
export class NotificationRelay {
    private readonly inFlight = new Set<Promise<unknown>>();

    constructor(private readonly deps: OutboxDeps) {}

    /** Starts the send and returns at once; failures are logged and leave the flag for reconciliation. */
    send(flagged: Stored<CancellationRecord>, after: { readonly nextCheckAt: string | undefined }): void {
        // Begun on the next turn of the event loop, so the answer is written before the send's own work runs.
        const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
            sendPendingNotification(flagged, this.deps, after),
        );
        this.inFlight.add(sending);
        const settle = (): void => void this.inFlight.delete(sending);
        sending.then(settle, settle);
    }

    /**
     * Waits for the sends started so far (app shutdown, tests), at most `timeoutMs`; resolves with how many are still
     * running then.
     */
    async drain(timeoutMs: number): Promise<number> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
        clearTimeout(timer);
        return this.inFlight.size;
    }
}
