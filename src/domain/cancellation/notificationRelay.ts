import { maxNotificationsPerMessage, type NotificationBatchQueue } from '../notifications/notificationMessage';
import {
    clearNotificationFlags,
    leftForReconciliation,
    notificationOf,
    type OutboxDeps,
    type OwedNotification,
} from './outbox';
import type { CancellationRecord } from './record';
import type { Stored } from '../shared/stored';

/** How long the relay gathers notifications before it sends them in one queue message. */
export const defaultRelayWindowMs = 50;

export interface NotificationRelayDeps extends Pick<OutboxDeps, 'store' | 'log'> {
    readonly notifications: NotificationBatchQueue;
    /** Defaults to {@link defaultRelayWindowMs}. */
    readonly windowMs?: number;
}

/**
 * Sends the notifications that just-saved records owe after the callers have their answers, keeping the Storage round
 * trips off the requests' path. Records answered within `windowMs` of each other go in one queue message (up to
 * {@link maxNotificationsPerMessage}, one tenant per message): one queue write and one fan-out for all of them. Each
 * record's `notificationPending` flag is already durable, so a process that dies before the send finishes only delays
 * its notification to the next reconciliation pass.
 */
export class NotificationRelay {
    private readonly inFlight = new Set<Promise<unknown>>();
    private pending: OwedNotification[] = [];
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly deps: NotificationRelayDeps) {}

    /** Adds the record's notification to the next message and returns at once; failures are logged. */
    send(stored: Stored<CancellationRecord>, after: OwedNotification['after']): void {
        this.pending.push({ stored, after });
        if (this.pending.length >= maxNotificationsPerMessage) this.flush();
        else this.timer ??= setTimeout(() => this.flush(), this.deps.windowMs ?? defaultRelayWindowMs).unref();
    }

    /**
     * Sends what is gathered now, then waits for the sends started so far (app shutdown, tests), at most `timeoutMs`;
     * resolves with how many are still running then.
     */
    async drain(timeoutMs: number): Promise<number> {
        this.flush();
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
        await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
        clearTimeout(timer);
        return this.inFlight.size;
    }

    private flush(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        const owed = this.pending;
        this.pending = [];
        for (const batch of batchesOf(owed)) {
            const sending = this.sendBatch(batch);
            this.inFlight.add(sending);
            const settle = (): void => void this.inFlight.delete(sending);
            sending.then(settle, settle);
        }
    }

    private async sendBatch(batch: readonly OwedNotification[]): Promise<void> {
        try {
            await this.deps.notifications.enqueueAll(batch.map(({ stored }) => notificationOf(stored.value)));
        } catch (error) {
            for (const { stored } of batch) leftForReconciliation(stored, error, this.deps);
            return;
        }
        await clearNotificationFlags(batch, this.deps);
    }
}

/** One tenant per message, at most {@link maxNotificationsPerMessage} each, in the order they came. */
function batchesOf(owed: readonly OwedNotification[]): OwedNotification[][] {
    const byTenant = new Map<string, OwedNotification[][]>();
    for (const item of owed) {
        const batches = byTenant.get(item.stored.value.tenantId) ?? [];
        const last = batches.at(-1);
        if (last !== undefined && last.length < maxNotificationsPerMessage) last.push(item);
        else batches.push([item]);
        byTenant.set(item.stored.value.tenantId, batches);
    }
    return [...byTenant.values()].flat();
}
